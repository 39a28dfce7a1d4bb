using Kasparro.Application.Runs.GetRunAnomalies;
using Kasparro.Application.Runs.Ports;
using NSubstitute;
using static Kasparro.UnitTests.Application.Runs.RunBuilder;

namespace Kasparro.UnitTests.Application.Runs;

public sealed class GetRunAnomaliesHandlerTests
{
    private static readonly long[] Steady = [100, 100, 100, 100, 100, 100, 100, 100, 100, 100];

    private readonly IRunReader _reader = Substitute.For<IRunReader>();

    private Task<RunAnomalies> HandleAsync(GetRunAnomaliesQuery query, params RunWithHistory[] runs)
    {
        _reader.ReadFinishedWithHistoryAsync(default!, default, default, default).ReturnsForAnyArgs(runs);
        return new GetRunAnomaliesHandler(_reader).Handle(query, CancellationToken.None);
    }

    [Fact]
    public async Task Handle_ReturnsOnlyAnomalousRuns_WithTheMetricAndItsBaseline()
    {
        var spike = Run(loaded: 1000);
        var normal = Run(loaded: 101);

        var result = await HandleAsync(GetRunAnomaliesQuery.Parse(), WithHistory(spike, Steady), WithHistory(normal, Steady));

        var found = result.Data.ShouldHaveSingleItem();
        found.Run.ShouldBe(spike);
        var anomaly = found.Anomalies.ShouldHaveSingleItem();
        anomaly.Metric.ShouldBe("loaded_count");
        anomaly.Value.ShouldBe(1000);
        anomaly.BaselineMedian.ShouldBe(100);
        anomaly.BaselineMad.ShouldBe(0);
        anomaly.Scale.ShouldBe(5);
        anomaly.ZScore.ShouldBe(180);
        anomaly.HistorySize.ShouldBe(10);
        anomaly.Reason.ShouldBe("loaded_count 1000 is 180 scaled deviations above the median 100 of the source's previous 10 finished runs (|z| > 3.5)");
    }

    [Fact]
    public async Task Handle_JudgesTheDurationToo_IgnoringUnknownEarlierDurations()
    {
        var slow = Run(loaded: 100, durationMs: 60_000);
        long?[] durations = [1000, null, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000];

        var result = await HandleAsync(GetRunAnomaliesQuery.Parse(), WithHistory(slow, Steady, durations));

        var anomaly = result.Data.ShouldHaveSingleItem().Anomalies.ShouldHaveSingleItem();
        anomaly.Metric.ShouldBe("duration_ms");
        anomaly.HistorySize.ShouldBe(9);
        anomaly.BaselineMedian.ShouldBe(1000);
        anomaly.ZScore.ShouldBe(1180);
    }

    [Fact]
    public async Task Handle_BothMetricsOfOneRun_AreListedTogether()
    {
        var run = Run(loaded: 0, durationMs: 50);

        var result = await HandleAsync(GetRunAnomaliesQuery.Parse(), WithHistory(run, Steady));

        result.Data.ShouldHaveSingleItem().Anomalies.Select(a => a.Metric).ShouldBe(["loaded_count", "duration_ms"]);
        result.Data[0].Anomalies[0].Reason.ShouldContain("below the median");
    }

    [Fact]
    public async Task Handle_RunsWithTooShortAHistory_AreNotJudged()
    {
        var result = await HandleAsync(GetRunAnomaliesQuery.Parse(), WithHistory(Run(loaded: 1_000_000), [100, 100, 100, 100]));

        result.Data.ShouldBeEmpty();
    }

    [Fact]
    public async Task Handle_StopsAtTheLimit_KeepingTheReaderOrder()
    {
        var runs = Enumerable.Range(0, 5).Select(i => WithHistory(Run(loaded: 1000 + i), Steady)).ToArray();

        var result = await HandleAsync(GetRunAnomaliesQuery.Parse(limit: "2"), runs);

        result.Data.Select(d => d.Run.Loaded).ShouldBe([1000L, 1001L]);
    }

    [Fact]
    public async Task Handle_AppliesTheThresholdAndAsksForTheWindow()
    {
        var run = Run(loaded: 120); // z = 20 / 5 = 4

        var strict = await HandleAsync(GetRunAnomaliesQuery.Parse(source: "CSV,coingecko", window: "30", threshold: "4.5"), WithHistory(run, Steady));
        var lenient = await HandleAsync(GetRunAnomaliesQuery.Parse(threshold: "3"), WithHistory(run, Steady));

        strict.Data.ShouldBeEmpty();
        strict.Rule.Window.ShouldBe(30);
        strict.Rule.Threshold.ShouldBe(4.5);
        lenient.Data.ShouldHaveSingleItem();
        await _reader.Received(1).ReadFinishedWithHistoryAsync(
            Arg.Is<IReadOnlyList<string>>(s => s.SequenceEqual(new[] { "csv", "coingecko" })), 30, GetRunAnomaliesHandler.RunsExaminedPerSource, Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData("limit", "0")]
    [InlineData("limit", "501")]
    [InlineData("limit", "ten")]
    [InlineData("window", "4")]
    [InlineData("window", "201")]
    [InlineData("threshold", "0.5")]
    [InlineData("threshold", "1e3")]
    [InlineData("threshold", "1000.5")]
    [InlineData("threshold", "-4")]
    [InlineData("threshold", "NaN")]
    [InlineData("source", "kraken")]
    public async Task Validator_NamesTheBadParameter(string name, string value)
    {
        var query = name switch
        {
            "limit" => GetRunAnomaliesQuery.Parse(limit: value),
            "window" => GetRunAnomaliesQuery.Parse(window: value),
            "threshold" => GetRunAnomaliesQuery.Parse(threshold: value),
            _ => GetRunAnomaliesQuery.Parse(source: value),
        };

        var result = await new GetRunAnomaliesQueryValidator().ValidateAsync(query);

        result.Errors.Select(e => e.PropertyName).Distinct().ShouldBe([name]);
    }
}
