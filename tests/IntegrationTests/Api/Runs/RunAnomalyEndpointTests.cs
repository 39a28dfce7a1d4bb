using System.Net;
using System.Text.Json;

namespace Kasparro.IntegrationTests.Api.Runs;

/// <summary>
/// <c>GET /v1/runs/anomalies</c> over histories built to contain exactly two anomalies: a CSV run that loaded ten times
/// its steady 100, and a CoinGecko run that took nine times its usual second. A CoinPaprika run that loaded a million
/// has too short a history to be judged, and a running run is never judged.
/// </summary>
public sealed class RunAnomalyEndpointTests(RunAnomalyEndpointTests.Seeded api) : IClassFixture<RunAnomalyEndpointTests.Seeded>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _client = api.CreateClient();

    private static List<Guid> RunIds(JsonElement json) =>
        [.. json.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("run").GetProperty("id").GetGuid())];

    [Fact]
    public async Task Anomalies_AreExactlyTheSpikeAndTheSlowRun_NewestFirst()
    {
        var json = await _client.GetJsonAsync("/v1/runs/anomalies");

        RunIds(json).ShouldBe([api.CsvSpike, api.GeckoSlow]);

        var spike = json.GetProperty("data")[0];
        spike.GetProperty("run").GetProperty("loaded").GetInt64().ShouldBe(1000);
        var loaded = spike.GetProperty("anomalies").EnumerateArray().ShouldHaveSingleItem();
        loaded.GetProperty("metric").GetString().ShouldBe("loaded_count");
        loaded.GetProperty("value").GetDouble().ShouldBe(1000);
        loaded.GetProperty("baseline_median").GetDouble().ShouldBe(100);
        loaded.GetProperty("baseline_mad").GetDouble().ShouldBe(0);
        loaded.GetProperty("scale").GetDouble().ShouldBe(5);
        loaded.GetProperty("z_score").GetDouble().ShouldBe(180);
        loaded.GetProperty("history_size").GetInt32().ShouldBe(10);
        loaded.GetProperty("reason").GetString().ShouldBe(
            "loaded_count 1000 is 180 scaled deviations above the median 100 of the source's previous 10 finished runs (|z| > 3.5)");

        var slow = json.GetProperty("data")[1].GetProperty("anomalies").EnumerateArray().ShouldHaveSingleItem();
        slow.GetProperty("metric").GetString().ShouldBe("duration_ms");
        slow.GetProperty("value").GetDouble().ShouldBe(9000);
        slow.GetProperty("baseline_median").GetDouble().ShouldBe(1000);
        slow.GetProperty("baseline_mad").GetDouble().ShouldBe(50);
        slow.GetProperty("scale").GetDouble().ShouldBe(74.13);
        slow.GetProperty("z_score").GetDouble().ShouldBe(107.919);
        slow.GetProperty("history_size").GetInt32().ShouldBe(6);
    }

    [Fact]
    public async Task Anomalies_DescribeTheRuleAsApplied()
    {
        var rule = (await _client.GetJsonAsync("/v1/runs/anomalies?window=30&threshold=4.5")).GetProperty("rule");

        rule.GetProperty("window").GetInt32().ShouldBe(30);
        rule.GetProperty("threshold").GetDouble().ShouldBe(4.5);
        rule.GetProperty("min_history").GetInt32().ShouldBe(5);
        rule.GetProperty("mad_scale").GetDouble().ShouldBe(1.4826);
        rule.GetProperty("runs_examined_per_source").GetInt32().ShouldBe(1000);
        rule.GetProperty("definition").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("source=coingecko", "slow")]
    [InlineData("source=csv", "spike")]
    [InlineData("source=coinpaprika", "")]
    [InlineData("limit=1", "spike")]
    [InlineData("threshold=110", "spike")]
    [InlineData("threshold=107.9", "spike,slow")]
    [InlineData("threshold=100", "spike,slow")]
    [InlineData("threshold=100&source=csv,coingecko", "spike,slow")]
    public async Task Anomalies_Parameters_SelectExactlyTheseRuns(string query, string expected)
    {
        var json = await _client.GetJsonAsync($"/v1/runs/anomalies?{query}");

        var names = expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => n == "spike" ? api.CsvSpike : api.GeckoSlow);
        RunIds(json).ShouldBe(names);
    }

    [Fact]
    public async Task Anomalies_AShorterWindow_JudgesAgainstFewerRuns()
    {
        var json = await _client.GetJsonAsync("/v1/runs/anomalies?window=5");

        RunIds(json).ShouldBe([api.CsvSpike, api.GeckoSlow]);
        json.GetProperty("data").EnumerateArray()
            .Select(r => r.GetProperty("anomalies")[0].GetProperty("history_size").GetInt32())
            .ShouldBe([5, 5]);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("window=4", "window")]
    [InlineData("window=201", "window")]
    [InlineData("window=abc", "window")]
    [InlineData("threshold=0", "threshold")]
    [InlineData("threshold=1001", "threshold")]
    [InlineData("threshold=abc", "threshold")]
    [InlineData("threshold=3,5", "threshold")]
    [InlineData("source=kraken", "source")]
    public async Task Anomalies_BadParameters_AreProblemsNamingThem(string query, string parameter)
    {
        var problem = await _client.GetProblemAsync($"/v1/runs/anomalies?{query}", HttpStatusCode.BadRequest);

        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe([parameter]);
    }

    public sealed class Seeded : ApiFactory
    {
        public Guid CsvSpike { get; private set; }

        public Guid GeckoSlow { get; private set; }

        protected override async Task SeedAsync()
        {
            // CSV: ten steady runs, the spike, a normal run after it (its history now holds the spike), one still running.
            for (var i = 0; i < 10; i++)
            {
                await this.RunAsync("csv", T0.AddHours(i), durationMs: 1000, read: 100, loaded: 100);
            }

            CsvSpike = await this.RunAsync("csv", T0.AddHours(10), durationMs: 1000, read: 1000, loaded: 1000);
            await this.RunAsync("csv", T0.AddHours(11), durationMs: 1000, read: 100, loaded: 100);
            await this.RunAsync("csv", T0.AddHours(12), "running", read: 1_000_000, loaded: 1_000_000);

            // CoinGecko: six runs around a second, then one of nine seconds.
            long[] durations = [1000, 1100, 900, 1000, 1050, 950];
            for (var i = 0; i < durations.Length; i++)
            {
                await this.RunAsync("coingecko", T0.AddHours(i).AddMinutes(30), durationMs: durations[i], read: 50, loaded: 50);
            }

            GeckoSlow = await this.RunAsync("coingecko", T0.AddHours(6).AddMinutes(30), durationMs: 9000, read: 50, loaded: 50);

            // CoinPaprika: too short a history for any verdict.
            await this.RunAsync("coinpaprika", T0, loaded: 10);
            await this.RunAsync("coinpaprika", T0.AddHours(1), loaded: 10);
            await this.RunAsync("coinpaprika", T0.AddHours(2), loaded: 1_000_000);
        }
    }
}
