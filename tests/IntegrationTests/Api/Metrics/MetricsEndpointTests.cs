using System.Net;
using System.Text.RegularExpressions;
using Kasparro.IntegrationTests.Api.Runs;
using Npgsql;

namespace Kasparro.IntegrationTests.Api.Metrics;

/// <summary>
/// <c>GET /metrics</c> with API keys required on <c>/v1</c>: open itself, Prometheus text, the ETL series from known
/// runs, and request counters that grow by exactly the requests sent, labelled by route template.
/// </summary>
public sealed partial class MetricsEndpointTests(MetricsEndpointTests.Seeded api) : IClassFixture<MetricsEndpointTests.Seeded>
{
    private const string ApiKey = "metrics-test-read-key";
    private const string AdminToken = "metrics-test-admin-token";
    private static readonly DateTimeOffset Day = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _client = api.CreateClient();

    private HttpClient KeyedClient()
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", ApiKey);
        return client;
    }

    [Fact]
    public async Task Metrics_NeedNoApiKey_AndCarryUpAndEtlSeries()
    {
        var text = await _client.ScrapeAsync();

        var samples = text.Samples().ToList();
        samples.ShouldContain("api_up 1");
        samples.ShouldContain("db_up 1");
        samples.ShouldContain("etl_last_run_success{source=\"coingecko\"} 1");
        samples.ShouldContain("etl_last_run_success{source=\"csv\"} 0");
        samples.ShouldContain("etl_run_duration_seconds{source=\"coingecko\"} 1.5");
        samples.ShouldContain("etl_run_duration_seconds{source=\"csv\"} 2.5");
        samples.ShouldContain("etl_records_total{source=\"csv\",outcome=\"read\"} 16");
        samples.ShouldContain("etl_records_total{source=\"csv\",outcome=\"loaded\"} 12");
        samples.ShouldContain("etl_records_total{source=\"csv\",outcome=\"skipped\"} 1");
        samples.ShouldContain("etl_records_total{source=\"csv\",outcome=\"rejected\"} 3");
        samples.ShouldContain("etl_records_total{source=\"coingecko\",outcome=\"loaded\"} 95");
        samples.ShouldContain("etl_runs_total{source=\"csv\",status=\"running\"} 1");
        samples.ShouldContain("etl_runs_total{source=\"csv\",status=\"failed\"} 1");
        samples.ShouldContain("etl_runs_total{source=\"csv\",status=\"succeeded\"} 1");
        samples.ShouldContain($"etl_last_success_timestamp_seconds{{source=\"csv\"}} {Day.AddHours(8).AddSeconds(1).ToUnixTimeSeconds()}");
    }

    [Fact]
    public async Task Metrics_AreWellFormedExposition_EveryFamilyWithHelpAndType()
    {
        var text = await _client.ScrapeAsync();

        text.ShouldEndWith("\n");
        string? family = null;
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            var help = HelpLine().Match(line);
            if (help.Success)
            {
                family = help.Groups[1].Value;
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                line.ShouldMatch($"^# TYPE {family} (counter|gauge|histogram)$");
                continue;
            }

            line.ShouldMatch(SampleLine().ToString());
            line.ShouldStartWith(family!);
        }

        foreach (var name in new[] { "api_up", "db_up", "etl_last_run_success", "etl_records_total", "etl_run_duration_seconds" })
        {
            text.ShouldContain($"# HELP {name} ");
            text.ShouldContain($"# TYPE {name} ");
        }
    }

    [Fact]
    public async Task RequestCounters_GrowByExactlyWhatWasSent_LabelledByRouteTemplate()
    {
        var keyed = KeyedClient();
        var unknownRun = Guid.NewGuid();
        var before = await _client.ScrapeAsync();

        for (var i = 0; i < 3; i++)
        {
            (await keyed.GetAsync("/v1/runs")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        for (var i = 0; i < 2; i++)
        {
            (await keyed.GetAsync("/v1/runs?limit=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        (await _client.GetAsync("/v1/runs")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await keyed.GetAsync($"/v1/runs/{unknownRun}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await keyed.GetAsync("/no/such/route")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var after = await _client.ScrapeAsync();

        double Delta(string series) => after.Value(series) - before.Value(series);
        Delta("http_requests_total{method=\"GET\",route=\"/v{version:apiVersion}/runs\",status=\"200\"}").ShouldBe(3);
        Delta("http_requests_total{method=\"GET\",route=\"/v{version:apiVersion}/runs\",status=\"400\"}").ShouldBe(2);
        Delta("http_requests_total{method=\"GET\",route=\"/v{version:apiVersion}/runs\",status=\"401\"}").ShouldBe(1);
        Delta("http_requests_total{method=\"GET\",route=\"/v{version:apiVersion}/runs/{id}\",status=\"404\"}").ShouldBe(1);
        Delta("http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}").ShouldBe(1);
        Delta("http_requests_total{method=\"GET\",route=\"/metrics\",status=\"200\"}").ShouldBe(1); // the first scrape
        after.ShouldNotContain(unknownRun.ToString());
        after.ShouldNotContain("/no/such/route");

        // The app's clock is a fake that stands still: every duration is 0 and lands in the first bucket.
        Delta("http_request_duration_seconds_count{method=\"GET\",route=\"/v{version:apiVersion}/runs\"}").ShouldBe(6);
        Delta("http_request_duration_seconds_bucket{method=\"GET\",route=\"/v{version:apiVersion}/runs\",le=\"0.005\"}").ShouldBe(6);
        Delta("http_request_duration_seconds_bucket{method=\"GET\",route=\"/v{version:apiVersion}/runs\",le=\"+Inf\"}").ShouldBe(6);
        after.Value("http_request_duration_seconds_sum{method=\"GET\",route=\"/v{version:apiVersion}/runs\"}").ShouldBe(0);
    }

    [Fact]
    public async Task Metrics_NeverShowASecret()
    {
        var password = new NpgsqlConnectionStringBuilder(api.ConnectionString).Password;
        await KeyedClient().GetAsync("/v1/stats");

        var text = await _client.ScrapeAsync();

        password.ShouldNotBeNullOrEmpty();
        text.ShouldNotContain(password);
        text.ShouldNotContain(ApiKey);
        text.ShouldNotContain(AdminToken);
    }

    [GeneratedRegex("^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$")]
    private static partial Regex HelpLine();

    [GeneratedRegex("""^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*")*\})? (-?[0-9.]+(E[-+]?[0-9]+)?|\+Inf|-Inf|NaN)$""")]
    private static partial Regex SampleLine();

    public sealed class Seeded : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["API_KEYS"] = ApiKey,
            ["ADMIN_TOKEN"] = AdminToken,
        };

        protected override async Task SeedAsync()
        {
            await this.RunAsync("coingecko", Day.AddHours(7), durationMs: 1500, read: 100, loaded: 95, skipped: 5);
            await this.RunAsync("csv", Day.AddHours(8), durationMs: 1000, read: 10, loaded: 9, skipped: 1);
            await this.RunAsync("csv", Day.AddHours(9), "failed", 2500, read: 4, loaded: 1, rejected: 3, error: "boom");
            await this.RunAsync("csv", Day.AddHours(10), "running", read: 2, loaded: 2);
        }
    }
}
