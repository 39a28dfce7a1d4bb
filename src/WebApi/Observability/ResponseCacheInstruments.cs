using System.Diagnostics.Metrics;

namespace Kasparro.WebApi.Observability;

/// <summary>
/// The read cache's counters on the <see cref="MeterName"/> meter, exported with <c>_total</c>:
/// <c>response_cache_hits</c>, <c>response_cache_misses</c>, <c>response_cache_bypassed</c> (answered from the database
/// without looking, while the change listener is down), <c>response_cache_evictions{reason}</c> (everything remembered
/// given back: <c>data_changed</c> or <c>reconnected</c>), <c>response_cache_coalesced</c> (misses that waited for the
/// same read already being answered instead of asking the database) and <c>response_cache_not_modified</c> (304s).
/// </summary>
public sealed class ResponseCacheInstruments
{
    public const string MeterName = "Kasparro.ResponseCache";

    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _bypassed;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _notModified;
    private readonly Counter<long> _coalesced;

    public ResponseCacheInstruments(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _hits = meter.CreateCounter<long>("response_cache_hits", "{response}", "Reads answered from the response cache.");
        _misses = meter.CreateCounter<long>("response_cache_misses", "{response}", "Reads looked up in the response cache, not found, answered from the database and remembered.");
        _bypassed = meter.CreateCounter<long>(
            "response_cache_bypassed", "{response}", "Reads answered from the database without the cache, while this process could not hear of stored changes.");
        _evictions = meter.CreateCounter<long>(
            "response_cache_evictions", "{eviction}", "Times everything remembered was given back, by reason: data_changed or reconnected.");
        _coalesced = meter.CreateCounter<long>(
            "response_cache_coalesced", "{response}", "Reads not found in the response cache that waited for the same read, already being answered, instead of asking the database.");
        _notModified = meter.CreateCounter<long>("response_cache_not_modified", "{response}", "Reads answered 304 Not Modified to a matching If-None-Match.");
    }

    public void Hit() => _hits.Add(1);

    public void Miss() => _misses.Add(1);

    public void Bypassed() => _bypassed.Add(1);

    public void NotModified() => _notModified.Add(1);

    public void Coalesced() => _coalesced.Add(1);

    public void Evicted(string reason) => _evictions.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
