using System.Diagnostics.Metrics;
using System.Globalization;
using Kasparro.Application.Metrics.GetEtlMetrics;
using Kasparro.WebApi.Observability;

namespace Kasparro.UnitTests.WebApi.Observability;

public sealed class EtlMeasurementsTests
{
    private static readonly SourceEtlMetrics Csv = new(
        "csv", 120, 100, 15, 5,
        new Dictionary<string, long> { ["succeeded"] = 2, ["failed"] = 1, ["partial"] = 0, ["running"] = 1 },
        "failed", 1500, new DateTimeOffset(2026, 11, 22, 10, 0, 0, 500, TimeSpan.Zero));

    private static readonly SourceEtlMetrics NeverFinished = new(
        "coingecko", 0, 0, 0, 0, new Dictionary<string, long> { ["running"] = 1 }, null, null, null);

    private static readonly SourceEtlMetrics Succeeded = new(
        "coinpaprika", 10, 10, 0, 0, new Dictionary<string, long> { ["succeeded"] = 1 }, "succeeded", 250, new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));

    private static readonly EtlMetrics Up = new(true, [NeverFinished, Csv, Succeeded]);

    private static string[] Lines<T>(IEnumerable<Measurement<T>> measurements)
        where T : struct =>
        [.. measurements.Select(m => string.Create(CultureInfo.InvariantCulture, $"{string.Join(',', m.Tags.ToArray().Select(t => $"{t.Key}={t.Value}"))} {m.Value}"))];

    [Fact]
    public void WhenTheDatabaseIsDown_NoSeriesHasAMeasurement()
    {
        var down = new EtlMetrics(false, []);

        EtlMeasurements.LastRunSuccess(down).ShouldBeEmpty();
        EtlMeasurements.LastRunDuration(down).ShouldBeEmpty();
        EtlMeasurements.LastSuccessTime(down).ShouldBeEmpty();
        EtlMeasurements.Records(down).ShouldBeEmpty();
        EtlMeasurements.Runs(down).ShouldBeEmpty();
    }

    [Fact]
    public void LastRunSuccess_Is1OnlyForASucceededRun_AndAbsentBeforeAnyRunFinished()
    {
        Lines(EtlMeasurements.LastRunSuccess(Up)).ShouldBe(["source=csv 0", "source=coinpaprika 1"]);
    }

    [Fact]
    public void LastRunDuration_IsInSeconds()
    {
        Lines(EtlMeasurements.LastRunDuration(Up)).ShouldBe(["source=csv 1.5", "source=coinpaprika 0.25"]);
    }

    [Fact]
    public void LastSuccessTime_IsUnixSeconds_KeepingMilliseconds()
    {
        Lines(EtlMeasurements.LastSuccessTime(Up)).ShouldBe(["source=csv 1795341600.5", "source=coinpaprika 1795338000"]);
    }

    [Fact]
    public void Records_GiveEveryOutcomeOfEverySource_EvenZero()
    {
        Lines(EtlMeasurements.Records(new EtlMetrics(true, [Csv, NeverFinished]))).ShouldBe(
        [
            "source=csv,outcome=read 120",
            "source=csv,outcome=loaded 100",
            "source=csv,outcome=skipped 15",
            "source=csv,outcome=rejected 5",
            "source=coingecko,outcome=read 0",
            "source=coingecko,outcome=loaded 0",
            "source=coingecko,outcome=skipped 0",
            "source=coingecko,outcome=rejected 0",
        ]);
    }

    [Fact]
    public void Runs_GiveEachStatusTheReaderCounted_InStatusOrder()
    {
        Lines(EtlMeasurements.Runs(new EtlMetrics(true, [Csv, NeverFinished]))).ShouldBe(
        [
            "source=csv,status=failed 1",
            "source=csv,status=partial 0",
            "source=csv,status=running 1",
            "source=csv,status=succeeded 2",
            "source=coingecko,status=running 1",
        ]);
    }
}
