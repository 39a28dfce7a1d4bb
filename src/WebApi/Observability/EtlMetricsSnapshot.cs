using Kasparro.Application.Metrics.GetEtlMetrics;

namespace Kasparro.WebApi.Observability;

/// <summary>
/// The latest reading of <c>etl_runs</c> that the ETL instruments observe. Instrument callbacks are synchronous, so a
/// scrape of <c>/metrics</c> refreshes it with one asynchronous query before the exporter collects; the ETL figures are
/// therefore the database's at scrape time, shared by every process on that database.
/// </summary>
public sealed class EtlMetricsSnapshot(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>How long a reading serves collections without a new query: the scrape's own collection, or an OTLP export right after a scrape.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(5);

    private volatile Reading? _latest;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var etl = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new GetEtlMetricsQuery(), cancellationToken);
        _latest = new Reading(etl, time.GetTimestamp());
    }

    /// <summary>
    /// The latest reading. A collection that no scrape preceded (an OTLP export, on the exporter's own thread) finds it
    /// missing or old and reads the database itself, waiting at most the reader's own timeout.
    /// </summary>
    public EtlMetrics Current()
    {
        var latest = _latest;
        if (latest is not null && time.GetElapsedTime(latest.Taken) <= FreshFor)
        {
            return latest.Etl;
        }

        RefreshAsync(CancellationToken.None).GetAwaiter().GetResult();
        return _latest!.Etl;
    }

    private sealed record Reading(EtlMetrics Etl, long Taken);
}
