using System.Diagnostics.Metrics;
using System.Globalization;
using Kasparro.WebApi.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace Kasparro.UnitTests.WebApi.Observability;

/// <summary>The read cache's counters as a listener sees them: names and units (which make the exported names), and what each call adds.</summary>
public sealed class ResponseCacheInstrumentsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddSingleton<ResponseCacheInstruments>().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<string> _published = [];
    private readonly List<string> _measured = [];

    public ResponseCacheInstrumentsTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == ResponseCacheInstruments.MeterName)
            {
                _published.Add($"{instrument.Name} {instrument.GetType().Name.Split('`')[0]} {instrument.Unit}");
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            _measured.Add(string.Create(CultureInfo.InvariantCulture, $"{instrument.Name}{string.Concat(tags.ToArray().Select(t => $"{{{t.Key}={t.Value}}}"))} {value}")));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void EachEvent_AddsOneToItsCounter()
    {
        var instruments = _services.GetRequiredService<ResponseCacheInstruments>();

        instruments.Hit();
        instruments.Miss();
        instruments.Bypassed();
        instruments.NotModified();
        instruments.Evicted("data_changed");
        instruments.Coalesced();

        _published.ShouldBe(
        [
            "response_cache_hits Counter {response}",
            "response_cache_misses Counter {response}",
            "response_cache_bypassed Counter {response}",
            "response_cache_evictions Counter {eviction}",
            "response_cache_coalesced Counter {response}",
            "response_cache_not_modified Counter {response}",
        ]);
        _measured.ShouldBe(
        [
            "response_cache_hits 1",
            "response_cache_misses 1",
            "response_cache_bypassed 1",
            "response_cache_not_modified 1",
            "response_cache_evictions{reason=data_changed} 1",
            "response_cache_coalesced 1",
        ]);
    }
}
