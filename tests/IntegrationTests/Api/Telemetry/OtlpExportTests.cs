using System.Net;
using Kasparro.IntegrationTests.Api.Metrics;
using Kasparro.IntegrationTests.Api.Runs;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Kasparro.IntegrationTests.Api.Telemetry;

/// <summary>
/// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set (and the standard <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>), the API pushes
/// metrics, traces and logs to it, none carrying a secret or a query string; without it nothing is pushed.
/// </summary>
public sealed class OtlpExportTests
{
    private const string ApiKey = "otlp-test-read-key";
    private const string AdminToken = "otlp-test-admin-token";
    private const string QueryValue = "query-value-never-exported";

    [Fact]
    public async Task WithAnEndpoint_MetricsTracesAndLogsArePushed_WithoutSecrets()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var api = new ExportingApi(receiver.Endpoint);
        await api.InitializeAsync();
        await api.RunAsync("csv", new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero), loaded: 5);
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", ApiKey);

        (await client.GetAsync($"/v1/runs?source={QueryValue}")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.GetAsync("/v1/runs")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/v1/stats")).StatusCode.ShouldBe(HttpStatusCode.OK);
        api.Services.GetRequiredService<TracerProvider>().ForceFlush().ShouldBeTrue();
        api.Services.GetRequiredService<LoggerProvider>().ForceFlush().ShouldBeTrue();
        api.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var traces = receiver.Received("/v1/traces");
        traces.ShouldContain("/v1/runs"); // the route of the server span
        traces.ShouldContain("db.query.text");
        traces.ShouldContain("FROM etl_runs");
        var metrics = receiver.Received("/v1/metrics");
        metrics.ShouldContain("http.server.request.duration");
        metrics.ShouldContain("db.client.operation.duration");
        metrics.ShouldContain("etl_records"); // no scrape came first: the export read the database itself
        metrics.ShouldContain("db_up");
        receiver.Received("/v1/logs").ShouldContain("the scheduler is off");

        var password = new NpgsqlConnectionStringBuilder(api.ConnectionString).Password;
        password.ShouldNotBeNullOrEmpty();
        var everything = receiver.All;
        foreach (var secret in new[] { password, ApiKey, AdminToken, QueryValue })
        {
            everything.ShouldNotContain(secret);
        }
    }

    [Fact]
    public async Task WithoutAnEndpoint_OnlyTheScrapeEndpointHasMetrics()
    {
        await using var api = new ApiFactory();
        await api.InitializeAsync();

        api.Services.GetService<TracerProvider>().ShouldBeNull();
        api.Services.GetService<LoggerProvider>().ShouldBeNull();
        (await api.CreateClient().ScrapeAsync()).Samples().ShouldContain("db_up{} 1");
    }

    private sealed class ExportingApi(string endpoint) : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["API_KEYS"] = ApiKey,
            ["ADMIN_TOKEN"] = AdminToken,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
    }
}
