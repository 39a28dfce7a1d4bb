using System.Diagnostics.Metrics;
using System.Globalization;
using Kasparro.Application.Metrics.GetEtlMetrics;
using Kasparro.WebApi.Observability;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace Kasparro.UnitTests.WebApi.Observability;

/// <summary>The instruments as a listener sees them: names and units (which make the exported names), kinds and values.</summary>
public sealed class EtlInstrumentsTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly List<string> _published = [];
    private readonly List<string> _measured = [];

    public EtlInstrumentsTests()
    {
        var mediator = Substitute.For<IMediator>();
        mediator.Send(Arg.Any<GetEtlMetricsQuery>(), Arg.Any<CancellationToken>()).Returns(new EtlMetrics(true,
        [
            new SourceEtlMetrics("csv", 16, 12, 1, 3, new Dictionary<string, long> { ["failed"] = 1 }, "failed", 2500, null),
        ]));
        _services = new ServiceCollection()
            .AddMetrics()
            .AddSingleton(mediator)
            .AddSingleton<TimeProvider>(new FakeTimeProvider())
            .AddSingleton<EtlMetricsSnapshot>()
            .AddSingleton<EtlInstruments>()
            .BuildServiceProvider();
        var factory = _services.GetRequiredService<IMeterFactory>();

        // Meters are process-wide: only this test's factory's instruments are listened to.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == EtlInstruments.MeterName)
            {
                _published.Add($"{instrument.Name} {instrument.GetType().Name.Split('`')[0]} {instrument.Unit}".TrimEnd());
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Instruments_AreNamedAndUnitedForTheirExportedNames()
    {
        _services.GetRequiredService<EtlInstruments>();

        _published.ShouldBe(
        [
            "api_up ObservableGauge",
            "db_up ObservableGauge",
            "etl_last_run_success ObservableGauge",
            "etl_run_duration ObservableGauge s",
            "etl_last_success_timestamp ObservableGauge s",
            "etl_records ObservableCounter {record}",
            "etl_runs ObservableCounter {run}",
        ]);
    }

    [Fact]
    public void Observing_ReportsTheReading()
    {
        _services.GetRequiredService<EtlInstruments>();

        _listener.RecordObservableInstruments();

        _measured.ShouldBe(
        [
            "api_up 1",
            "db_up 1",
            "etl_last_run_success{source=csv} 0",
            "etl_run_duration{source=csv} 2.5",
            "etl_records{source=csv,outcome=read} 16",
            "etl_records{source=csv,outcome=loaded} 12",
            "etl_records{source=csv,outcome=skipped} 1",
            "etl_records{source=csv,outcome=rejected} 3",
            "etl_runs{source=csv,status=failed} 1",
        ]);
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = tags.Length == 0 ? string.Empty : "{" + string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}")) + "}";
        _measured.Add(string.Create(CultureInfo.InvariantCulture, $"{instrument.Name}{labels} {value}"));
    }
}
