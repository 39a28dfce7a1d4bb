using System.Net;
using System.Text.RegularExpressions;
using Kasparro.IntegrationTests.Api.Runs;
using Npgsql;

namespace Kasparro.IntegrationTests.Api.Metrics;

/// <summary>
/// <c>GET /metrics</c> with API keys required on <c>/v1</c>: open itself, Prometheus text from OpenTelemetry's exporter,
/// the ETL series from known runs, and ASP.NET Core's request histogram that grows by exactly the requests sent,
/// labelled by route template and status code.
/// </summary>
public sealed partial class MetricsEndpointTests(MetricsEndpointTests.Seeded api) : IClassFixture<MetricsEndpointTests.Seeded>
{
    private const string ApiKey = "metrics-test-read-key";
    private const string AdminToken = "metrics-test-admin-token";
    private const string RequestDuration = "http_server_request_duration_seconds";
    private static readonly DateTimeOffset Day = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _client = api.CreateClient();

    private HttpClient KeyedClient(HttpClient? client = null)
    {
        client ??= api.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", ApiKey);
        return client;
    }

    [Fact]
    public async Task Metrics_NeedNoApiKey_AndCarryUpAndEtlSeries()
    {
        var text = await _client.ScrapeAsync();

        var samples = text.Samples().ToList();
        samples.ShouldContain("api_up{} 1");
        samples.ShouldContain("db_up{} 1");
        samples.ShouldContain("etl_last_run_success{source=\"coingecko\"} 1");
        samples.ShouldContain("etl_last_run_success{source=\"csv\"} 0");
        samples.ShouldContain("etl_run_duration_seconds{source=\"coingecko\"} 1.5");
        samples.ShouldContain("etl_run_duration_seconds{source=\"csv\"} 2.5");
        samples.ShouldContain("etl_records_total{outcome=\"read\",source=\"csv\"} 16");
        samples.ShouldContain("etl_records_total{outcome=\"loaded\",source=\"csv\"} 12");
        samples.ShouldContain("etl_records_total{outcome=\"skipped\",source=\"csv\"} 1");
        samples.ShouldContain("etl_records_total{outcome=\"rejected\",source=\"csv\"} 3");
        samples.ShouldContain("etl_records_total{outcome=\"loaded\",source=\"coingecko\"} 95");
        samples.ShouldContain("etl_runs_total{source=\"csv\",status=\"running\"} 1");
        samples.ShouldContain("etl_runs_total{source=\"csv\",status=\"failed\"} 1");
        samples.ShouldContain("etl_runs_total{source=\"csv\",status=\"succeeded\"} 1");
        samples.ShouldContain($"etl_last_success_timestamp_seconds{{source=\"csv\"}} {Day.AddHours(8).AddSeconds(1).ToUnixTimeSeconds()}");
    }

    [Fact]
    public async Task Metrics_ReadTheDatabaseAtEveryScrape()
    {
        (await _client.ScrapeAsync()).Sum("etl_records_total", ("source", "scraped"), ("outcome", "loaded")).ShouldBe(0);

        await api.RunAsync("scraped", Day.AddHours(11), durationMs: 500, read: 7, loaded: 7);
        var text = await _client.ScrapeAsync();

        text.Samples().ShouldContain("etl_records_total{outcome=\"loaded\",source=\"scraped\"} 7");
        text.Samples().ShouldContain("etl_last_run_success{source=\"scraped\"} 1");
    }

    [Fact]
    public async Task Metrics_AreWellFormedExposition_EveryFamilyTyped_OursWithHelp()
    {
        var text = await _client.ScrapeAsync();

        text.ShouldEndWith("\n");
        string? family = null;
        string? type = null;
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            var typeLine = TypeLine().Match(line);
            if (typeLine.Success)
            {
                (family, type) = (typeLine.Groups[1].Value, typeLine.Groups[2].Value);
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                line.ShouldStartWith($"# HELP {family} ");
                continue;
            }

            line.ShouldMatch(MetricsScrape.SampleLine().ToString());
            var name = line[..line.IndexOf('{', StringComparison.Ordinal)];
            if (type == "histogram")
            {
                new[] { $"{family}_bucket", $"{family}_sum", $"{family}_count" }.ShouldContain(name);
            }
            else
            {
                name.ShouldBe(family);
            }
        }

        foreach (var (name, kind) in new[]
                 {
                     ("api_up", "gauge"), ("db_up", "gauge"), ("etl_last_run_success", "gauge"), ("etl_run_duration_seconds", "gauge"),
                     ("etl_last_success_timestamp_seconds", "gauge"), ("etl_records_total", "counter"), ("etl_runs_total", "counter"),
                     (RequestDuration, "histogram"),
                 })
        {
            text.ShouldContain($"# TYPE {name} {kind}\n# HELP {name} ");
        }
    }

    [Fact]
    public async Task RequestHistogram_GrowsByExactlyWhatWasSent_LabelledByRouteTemplateAndStatus()
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

        double Delta(Func<MetricSample, bool> series) => after.Total(series) - before.Total(series);
        double Requests(string? route, string status) => Delta(s =>
            s.Name == $"{RequestDuration}_count"
            && s.Has(("http_request_method", "GET"), ("http_response_status_code", status))
            && (route is null ? !s.Labels.ContainsKey("http_route") : s.Has(("http_route", route))));

        Requests("/v{version:apiVersion}/runs", "200").ShouldBe(3);
        Requests("/v{version:apiVersion}/runs", "400").ShouldBe(2);
        Requests("/v{version:apiVersion}/runs", "401").ShouldBe(1);
        Requests("/v{version:apiVersion}/runs/{id}", "404").ShouldBe(1);
        Requests(null, "404").ShouldBe(1); // no endpoint matched: no route label, never the path
        Requests("/metrics", "200").ShouldBe(1); // the first scrape
        after.ShouldNotContain(unknownRun.ToString());
        after.ShouldNotContain("/no/such/route");

        Delta(s => s.Name == $"{RequestDuration}_bucket" && s.Has(("http_route", "/v{version:apiVersion}/runs"), ("le", "+Inf"))).ShouldBe(6);
        Delta(s => s.Name == $"{RequestDuration}_sum" && s.Has(("http_route", "/v{version:apiVersion}/runs"))).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task RequestHistogram_CountsOnlyThisHostsRequests_WhenAnotherHostRunsInTheProcess()
    {
        await using var other = api.WithWebHostBuilder(_ => { });
        var otherClient = KeyedClient(other.CreateClient());
        var before = await _client.ScrapeAsync();
        var otherBefore = await otherClient.ScrapeAsync();

        (await otherClient.GetAsync("/v1/stats")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var after = await _client.ScrapeAsync();
        var otherAfter = await otherClient.ScrapeAsync();

        (otherAfter.Sum($"{RequestDuration}_count", ("http_route", "/v{version:apiVersion}/stats")) - otherBefore.Sum($"{RequestDuration}_count", ("http_route", "/v{version:apiVersion}/stats"))).ShouldBe(1);
        (after.Sum($"{RequestDuration}_count", ("http_route", "/v{version:apiVersion}/stats")) - before.Sum($"{RequestDuration}_count", ("http_route", "/v{version:apiVersion}/stats"))).ShouldBe(0);
        after.Parse().Count(s => s.Name == "db_up").ShouldBe(1);
        after.Parse().Count(s => s.Name == "etl_last_run_success" && s.Has(("source", "csv"))).ShouldBe(1);
    }

    [Fact]
    public async Task Metrics_NeverShowASecret_NorAQueryString()
    {
        var password = new NpgsqlConnectionStringBuilder(api.ConnectionString).Password;
        (await KeyedClient().GetAsync("/v1/runs?source=query-value-never-shown")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        await KeyedClient().GetAsync("/v1/stats");

        var text = await _client.ScrapeAsync();

        password.ShouldNotBeNullOrEmpty();
        text.ShouldNotContain(password);
        text.ShouldNotContain(ApiKey);
        text.ShouldNotContain(AdminToken);
        text.ShouldNotContain("query-value-never-shown");
        text.ShouldContain("db_client_connection_pool_name=\"kasparro-read\"");
    }

    [Fact]
    public async Task Metrics_AnswerOnlyGet()
    {
        using var response = await _client.PostAsync("/metrics", null);

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
    }

    [GeneratedRegex("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$")]
    private static partial Regex TypeLine();

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
