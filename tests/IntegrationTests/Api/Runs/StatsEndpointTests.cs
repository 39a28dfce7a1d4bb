using System.Text.Json;

namespace Kasparro.IntegrationTests.Api.Runs;

/// <summary><c>GET /v1/stats</c>: exact per-source figures over known runs, and freshness from the app's clock.</summary>
public sealed class StatsEndpointTests(StatsEndpointTests.Seeded api) : IClassFixture<StatsEndpointTests.Seeded>
{
    private static readonly DateTimeOffset Day = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Stats_GiveEveryFigureOfASource()
    {
        var csv = (await _client.GetJsonAsync("/v1/stats")).GetProperty("sources").GetProperty("csv");

        csv.GetProperty("runs_total").GetInt64().ShouldBe(4);
        csv.GetProperty("runs_succeeded").GetInt64().ShouldBe(2);
        csv.GetProperty("runs_partial").GetInt64().ShouldBe(0);
        csv.GetProperty("runs_failed").GetInt64().ShouldBe(1);
        csv.GetProperty("runs_running").GetInt64().ShouldBe(1);
        csv.GetProperty("last_success_at").GetDateTimeOffset().ShouldBe(Day.AddHours(10).AddSeconds(90));
        csv.GetProperty("last_failure_at").GetDateTimeOffset().ShouldBe(Day.AddHours(9).AddSeconds(30));
        csv.GetProperty("records_read").GetInt64().ShouldBe(38);
        csv.GetProperty("records_loaded").GetInt64().ShouldBe(33);
        csv.GetProperty("records_skipped").GetInt64().ShouldBe(1);
        csv.GetProperty("records_rejected").GetInt64().ShouldBe(4);
        csv.GetProperty("average_duration_ms").GetDouble().ShouldBe(60_000);
        var last = csv.GetProperty("last_run");
        last.GetProperty("id").GetGuid().ShouldBe(api.CsvRunning);
        last.GetProperty("status").GetString().ShouldBe("running");
    }

    [Fact]
    public async Task Stats_FreshnessIsTheTimeSinceTheLastSuccessFinished_OnTheAppsClock()
    {
        var before = (await _client.GetJsonAsync("/v1/stats")).GetProperty("sources").GetProperty("csv").GetProperty("freshness_seconds").GetInt64();
        api.Time.Advance(TimeSpan.FromSeconds(90));
        var after = await _client.GetJsonAsync("/v1/stats");

        before.ShouldBe((long)(api.Time.GetUtcNow().AddSeconds(-90) - Day.AddHours(10).AddSeconds(90)).TotalSeconds);
        after.GetProperty("sources").GetProperty("csv").GetProperty("freshness_seconds").GetInt64().ShouldBe(before + 90);
        after.GetProperty("generated_at").GetDateTimeOffset().ShouldBe(api.Time.GetUtcNow());
    }

    [Fact]
    public async Task Stats_ASourceThatNeverSucceeded_HasNoFreshness()
    {
        var gecko = (await _client.GetJsonAsync("/v1/stats")).GetProperty("sources").GetProperty("coingecko");

        gecko.GetProperty("runs_total").GetInt64().ShouldBe(1);
        gecko.GetProperty("runs_partial").GetInt64().ShouldBe(1);
        gecko.GetProperty("last_success_at").ValueKind.ShouldBe(JsonValueKind.Null);
        gecko.GetProperty("last_failure_at").ValueKind.ShouldBe(JsonValueKind.Null);
        gecko.GetProperty("freshness_seconds").ValueKind.ShouldBe(JsonValueKind.Null);
        gecko.GetProperty("average_duration_ms").GetDouble().ShouldBe(1234);
        gecko.GetProperty("records_loaded").GetInt64().ShouldBe(90);
    }

    [Fact]
    public async Task Stats_AKnownSourceThatNeverRan_IsListedWithZeros()
    {
        var sources = (await _client.GetJsonAsync("/v1/stats")).GetProperty("sources");

        sources.EnumerateObject().Select(p => p.Name).ShouldBe(["coingecko", "coinpaprika", "csv"]);
        var paprika = sources.GetProperty("coinpaprika");
        paprika.GetProperty("runs_total").GetInt64().ShouldBe(0);
        paprika.GetProperty("records_loaded").GetInt64().ShouldBe(0);
        paprika.GetProperty("average_duration_ms").ValueKind.ShouldBe(JsonValueKind.Null);
        paprika.GetProperty("last_run").ValueKind.ShouldBe(JsonValueKind.Null);
        paprika.GetProperty("freshness_seconds").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    public sealed class Seeded : ApiFactory
    {
        public Guid CsvRunning { get; private set; }

        protected override async Task SeedAsync()
        {
            await this.RunAsync("csv", Day.AddHours(8), durationMs: 60_000, read: 10, loaded: 8, skipped: 1, rejected: 1);
            await this.RunAsync("csv", Day.AddHours(9), "failed", 30_000, read: 5, loaded: 2, rejected: 3, error: "boom");
            await this.RunAsync("csv", Day.AddHours(10), durationMs: 90_000, read: 20, loaded: 20);
            CsvRunning = await this.RunAsync("csv", Day.AddHours(11), "running", read: 3, loaded: 3);
            await this.RunAsync("coingecko", Day.AddHours(7), "partial", 1234, read: 100, loaded: 90, skipped: 5, rejected: 5);
        }
    }
}
