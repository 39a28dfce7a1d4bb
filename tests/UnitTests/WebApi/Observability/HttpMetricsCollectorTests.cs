using Kasparro.WebApi.Observability;

namespace Kasparro.UnitTests.WebApi.Observability;

public sealed class HttpMetricsCollectorTests
{
    private readonly HttpMetricsCollector _collector = new();

    [Fact]
    public void Record_CountsByMethodRouteAndStatus()
    {
        _collector.Record("GET", "/v1/runs", 200, TimeSpan.Zero);
        _collector.Record("GET", "/v1/runs", 200, TimeSpan.Zero);
        _collector.Record("GET", "/v1/runs", 400, TimeSpan.Zero);
        _collector.Record("POST", "/v1/runs", 202, TimeSpan.Zero);

        _collector.Snapshot().Requests.ShouldBe(
        [
            new RequestCount("GET", "/v1/runs", 200, 2),
            new RequestCount("GET", "/v1/runs", 400, 1),
            new RequestCount("POST", "/v1/runs", 202, 1),
        ]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Record_WithoutARoute_UsesTheFixedUnmatchedLabel(string? route)
    {
        _collector.Record("GET", route, 404, TimeSpan.Zero);

        _collector.Snapshot().Requests.ShouldHaveSingleItem().Route.ShouldBe("unmatched");
    }

    [Theory]
    [InlineData("get", "GET")]
    [InlineData("Delete", "DELETE")]
    [InlineData("BREW", "OTHER")]
    [InlineData("PROPFIND", "OTHER")]
    public void Record_NormalizesTheMethod_SoClientsCannotMintLabels(string sent, string expected)
    {
        _collector.Record(sent, "/x", 200, TimeSpan.Zero);

        _collector.Snapshot().Requests.ShouldHaveSingleItem().Method.ShouldBe(expected);
    }

    [Fact]
    public void Record_PutsEachDurationInTheFirstBucketItFits_BoundsInclusive()
    {
        _collector.Record("GET", "/x", 200, TimeSpan.FromMilliseconds(5));    // le=0.005 exactly
        _collector.Record("GET", "/x", 200, TimeSpan.FromTicks(50_001));      // just above 0.005
        _collector.Record("GET", "/x", 200, TimeSpan.FromMilliseconds(300));  // le=0.5
        _collector.Record("GET", "/x", 200, TimeSpan.FromSeconds(11));        // +Inf

        var histogram = _collector.Snapshot().Durations.ShouldHaveSingleItem();
        histogram.BucketCounts.ShouldBe([1L, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
        histogram.Count.ShouldBe(4);
        histogram.SumSeconds.ShouldBe(0.005 + 0.0050001 + 0.3 + 11, 1e-9);
    }

    [Fact]
    public void Record_FromManyThreadsAtOnce_LosesNothing()
    {
        const int perThread = 5_000;
        const int threads = 8;

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
        {
            for (var i = 0; i < perThread; i++)
            {
                _collector.Record("GET", "/shared", 200, TimeSpan.FromMilliseconds(1));
                _collector.Record("GET", "/route-" + (i % 3), 200 + (thread % 2), TimeSpan.FromMilliseconds(20));
            }
        });

        var snapshot = _collector.Snapshot();
        snapshot.Requests.Single(r => r.Route == "/shared").Count.ShouldBe(threads * perThread);
        snapshot.Requests.Where(r => r.Route.StartsWith("/route-", StringComparison.Ordinal)).Sum(r => r.Count).ShouldBe(threads * perThread);
        snapshot.Requests.Count.ShouldBe(1 + (3 * 2));
        var shared = snapshot.Durations.Single(d => d.Route == "/shared");
        shared.Count.ShouldBe(threads * perThread);
        shared.BucketCounts[0].ShouldBe(threads * perThread);
        shared.SumSeconds.ShouldBe(threads * perThread * 0.001, 1e-6);
    }
}
