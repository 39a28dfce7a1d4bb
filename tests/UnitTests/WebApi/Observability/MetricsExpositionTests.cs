using Kasparro.Application.Metrics.GetEtlMetrics;
using Kasparro.WebApi.Observability;

namespace Kasparro.UnitTests.WebApi.Observability;

public sealed class MetricsExpositionTests
{
    private static readonly HttpMetricsSnapshot NoRequests = new([], []);

    private static string Text(EtlMetrics etl, HttpMetricsSnapshot? http = null) =>
        PrometheusText.Write(MetricsExposition.Families(etl, http ?? NoRequests));

    private static IEnumerable<string> Samples(string text) => text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'));

    [Fact]
    public void Families_WhenTheDatabaseIsDown_SayDbUp0AndHaveNoEtlSeries()
    {
        var text = Text(new EtlMetrics(false, []));

        Samples(text).ShouldBe(["api_up 1", "db_up 0"]);
        text.ShouldNotContain("etl_");
    }

    [Fact]
    public void Families_ForASource_GiveEveryEtlSeries()
    {
        var csv = new SourceEtlMetrics(
            "csv", 120, 100, 15, 5,
            new Dictionary<string, long> { ["succeeded"] = 2, ["failed"] = 1, ["partial"] = 0, ["running"] = 1 },
            "failed", 1500, new DateTimeOffset(2026, 11, 22, 10, 0, 0, 500, TimeSpan.Zero));
        var neverFinished = new SourceEtlMetrics(
            "coingecko", 0, 0, 0, 0, new Dictionary<string, long> { ["running"] = 1 }, null, null, null);

        var samples = Samples(Text(new EtlMetrics(true, [neverFinished, csv]))).ToList();

        samples.ShouldBe(
        [
            "api_up 1",
            "db_up 1",
            "etl_last_run_success{source=\"csv\"} 0",
            "etl_run_duration_seconds{source=\"csv\"} 1.5",
            "etl_last_success_timestamp_seconds{source=\"csv\"} 1795341600.5",
            "etl_records_total{source=\"coingecko\",outcome=\"read\"} 0",
            "etl_records_total{source=\"coingecko\",outcome=\"loaded\"} 0",
            "etl_records_total{source=\"coingecko\",outcome=\"skipped\"} 0",
            "etl_records_total{source=\"coingecko\",outcome=\"rejected\"} 0",
            "etl_records_total{source=\"csv\",outcome=\"read\"} 120",
            "etl_records_total{source=\"csv\",outcome=\"loaded\"} 100",
            "etl_records_total{source=\"csv\",outcome=\"skipped\"} 15",
            "etl_records_total{source=\"csv\",outcome=\"rejected\"} 5",
            "etl_runs_total{source=\"coingecko\",status=\"running\"} 1",
            "etl_runs_total{source=\"csv\",status=\"failed\"} 1",
            "etl_runs_total{source=\"csv\",status=\"partial\"} 0",
            "etl_runs_total{source=\"csv\",status=\"running\"} 1",
            "etl_runs_total{source=\"csv\",status=\"succeeded\"} 2",
        ]);
    }

    [Fact]
    public void Families_LastRunSuccess_Is1OnlyForASucceededRun()
    {
        var ok = new SourceEtlMetrics("csv", 1, 1, 0, 0, new Dictionary<string, long>(), "succeeded", 10, null);
        var partial = new SourceEtlMetrics("coinpaprika", 1, 1, 0, 0, new Dictionary<string, long>(), "partial", 10, null);

        var samples = Samples(Text(new EtlMetrics(true, [ok, partial]))).ToList();

        samples.ShouldContain("etl_last_run_success{source=\"csv\"} 1");
        samples.ShouldContain("etl_last_run_success{source=\"coinpaprika\"} 0");
    }

    [Fact]
    public void Families_HttpSeries_ComeFromTheCollectorSnapshot()
    {
        var collector = new HttpMetricsCollector();
        collector.Record("GET", "/v1/runs", 200, TimeSpan.FromMilliseconds(2));
        collector.Record("GET", "/v1/runs", 200, TimeSpan.FromMilliseconds(40));

        var text = Text(new EtlMetrics(false, []), collector.Snapshot());

        text.ShouldContain("# TYPE http_requests_total counter\nhttp_requests_total{method=\"GET\",route=\"/v1/runs\",status=\"200\"} 2\n");
        text.ShouldContain("# TYPE http_request_duration_seconds histogram\n");
        text.ShouldContain("http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/runs\",le=\"0.005\"} 1\n");
        text.ShouldContain("http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/runs\",le=\"0.025\"} 1\n");
        text.ShouldContain("http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/runs\",le=\"0.05\"} 2\n");
        text.ShouldContain("http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/runs\",le=\"+Inf\"} 2\n");
        text.ShouldContain("http_request_duration_seconds_sum{method=\"GET\",route=\"/v1/runs\"} 0.042\n");
        text.ShouldContain("http_request_duration_seconds_count{method=\"GET\",route=\"/v1/runs\"} 2\n");
    }
}
