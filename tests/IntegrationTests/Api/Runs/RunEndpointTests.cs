using System.Net;
using System.Text.Json;

namespace Kasparro.IntegrationTests.Api.Runs;

/// <summary><c>GET /v1/runs</c>, <c>/v1/runs/{id}</c> and <c>/v1/runs/compare</c> over five known runs.</summary>
public sealed class RunEndpointTests(RunEndpointTests.Seeded api) : IClassFixture<RunEndpointTests.Seeded>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _client = api.CreateClient();

    private static List<Guid> Ids(JsonElement json) => [.. json.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetGuid())];

    [Fact]
    public async Task List_IsNewestFirst_WithPaginationAndMeta()
    {
        var json = await _client.GetJsonAsync("/v1/runs");

        Ids(json).ShouldBe([api.PaprikaRunning, api.CsvFailed, api.GeckoPartial, api.CsvSucceeded, api.CsvOldest]);
        var pagination = json.GetProperty("pagination");
        pagination.GetProperty("limit").GetInt32().ShouldBe(50);
        pagination.GetProperty("offset").GetInt32().ShouldBe(0);
        pagination.GetProperty("returned").GetInt32().ShouldBe(5);
        pagination.GetProperty("total").GetInt64().ShouldBe(5);
        pagination.GetProperty("total_exact").GetBoolean().ShouldBeTrue();
        pagination.GetProperty("next_cursor").ValueKind.ShouldBe(JsonValueKind.Null);
        json.GetProperty("meta").GetProperty("api_version").GetString().ShouldBe("1");
    }

    [Fact]
    public async Task List_RowsCarryEveryColumnOfTheRun()
    {
        var json = await _client.GetJsonAsync("/v1/runs?source=csv&limit=1");

        var run = json.GetProperty("data").EnumerateArray().ShouldHaveSingleItem();
        run.GetProperty("id").GetGuid().ShouldBe(api.CsvFailed);
        run.GetProperty("source").GetString().ShouldBe("csv");
        run.GetProperty("trigger").GetString().ShouldBe("cli");
        run.GetProperty("status").GetString().ShouldBe("failed");
        run.GetProperty("started_at").GetDateTimeOffset().ShouldBe(T0.AddHours(2));
        run.GetProperty("finished_at").GetDateTimeOffset().ShouldBe(T0.AddHours(2).AddMilliseconds(500));
        run.GetProperty("duration_ms").GetInt64().ShouldBe(500);
        run.GetProperty("read").GetInt64().ShouldBe(5);
        run.GetProperty("loaded").GetInt64().ShouldBe(2);
        run.GetProperty("skipped").GetInt64().ShouldBe(0);
        run.GetProperty("rejected").GetInt64().ShouldBe(3);
        run.GetProperty("error").GetString().ShouldBe("source unreachable");
    }

    [Fact]
    public async Task List_ARunningRun_HasNoFinishOrDurationYet()
    {
        var json = await _client.GetJsonAsync("/v1/runs?source=coinpaprika");

        var run = json.GetProperty("data").EnumerateArray().ShouldHaveSingleItem();
        run.GetProperty("status").GetString().ShouldBe("running");
        run.GetProperty("finished_at").ValueKind.ShouldBe(JsonValueKind.Null);
        run.GetProperty("duration_ms").ValueKind.ShouldBe(JsonValueKind.Null);
        run.GetProperty("loaded").GetInt64().ShouldBe(7);
    }

    [Theory]
    [InlineData("source=csv", 3)]
    [InlineData("source=CSV", 3)]
    [InlineData("source=csv,coingecko", 4)]
    [InlineData("source=coingecko", 1)]
    public async Task List_SourceFilter_SelectsExactlyThoseRuns(string query, int expected)
    {
        var json = await _client.GetJsonAsync($"/v1/runs?{query}");

        json.GetProperty("data").GetArrayLength().ShouldBe(expected);
        json.GetProperty("pagination").GetProperty("total").GetInt64().ShouldBe(expected);
    }

    [Fact]
    public async Task List_CursorPages_WalkEveryRunOnce()
    {
        var first = await _client.GetJsonAsync("/v1/runs?limit=2");
        var cursor1 = first.GetProperty("pagination").GetProperty("next_cursor").GetString();
        var second = await _client.GetJsonAsync($"/v1/runs?limit=2&cursor={cursor1}");
        var cursor2 = second.GetProperty("pagination").GetProperty("next_cursor").GetString();
        var third = await _client.GetJsonAsync($"/v1/runs?limit=2&cursor={cursor2}");

        Ids(first).ShouldBe([api.PaprikaRunning, api.CsvFailed]);
        Ids(second).ShouldBe([api.GeckoPartial, api.CsvSucceeded]);
        Ids(third).ShouldBe([api.CsvOldest]);
        second.GetProperty("pagination").GetProperty("offset").ValueKind.ShouldBe(JsonValueKind.Null);
        third.GetProperty("pagination").GetProperty("next_cursor").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task List_OffsetPage_SkipsThatManyRuns()
    {
        var json = await _client.GetJsonAsync("/v1/runs?limit=2&offset=2");

        Ids(json).ShouldBe([api.GeckoPartial, api.CsvSucceeded]);
        json.GetProperty("pagination").GetProperty("offset").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task List_ACursorUnderAnotherSourceFilter_IsA400()
    {
        var first = await _client.GetJsonAsync("/v1/runs?limit=1&source=csv");
        var cursor = first.GetProperty("pagination").GetProperty("next_cursor").GetString();

        var problem = await _client.GetProblemAsync($"/v1/runs?limit=1&source=coingecko&cursor={cursor}", HttpStatusCode.BadRequest);

        problem.ErrorsFor("cursor").ShouldHaveSingleItem().ShouldContain("another 'source' filter");
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("offset=10001", "offset")]
    [InlineData("source=kraken", "source")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=WzEsInJ1bnMiXQ", "cursor")]
    [InlineData("offset=0&cursor=abc", "cursor")]
    public async Task List_BadParameters_AreProblemsNamingThem(string query, string parameter)
    {
        var problem = await _client.GetProblemAsync($"/v1/runs?{query}", HttpStatusCode.BadRequest);

        problem.ErrorsFor(parameter).ShouldNotBeEmpty();
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldBe([parameter]);
    }

    [Fact]
    public async Task GetById_ReturnsTheRun()
    {
        var json = await _client.GetJsonAsync($"/v1/runs/{api.GeckoPartial}");

        var run = json.GetProperty("data");
        run.GetProperty("id").GetGuid().ShouldBe(api.GeckoPartial);
        run.GetProperty("source").GetString().ShouldBe("coingecko");
        run.GetProperty("trigger").GetString().ShouldBe("manual");
        run.GetProperty("status").GetString().ShouldBe("partial");
        run.GetProperty("duration_ms").GetInt64().ShouldBe(2000);
        run.GetProperty("read").GetInt64().ShouldBe(100);
        run.GetProperty("loaded").GetInt64().ShouldBe(90);
        run.GetProperty("skipped").GetInt64().ShouldBe(10);
        run.GetProperty("error").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task GetById_UnknownRun_IsA404Problem()
    {
        var unknown = Guid.NewGuid();

        var problem = await _client.GetProblemAsync($"/v1/runs/{unknown}", HttpStatusCode.NotFound);

        problem.GetProperty("detail").GetString().ShouldBe($"No run '{unknown}' exists.");
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("12345")]
    [InlineData("0195f0a0-0000-7000-8000-00000000000g")]
    public async Task GetById_MalformedId_IsA400NamingId(string id)
    {
        var problem = await _client.GetProblemAsync($"/v1/runs/{id}", HttpStatusCode.BadRequest);

        problem.ErrorsFor("id").ShouldBe(["must be a run id (a UUID)"]);
    }

    [Fact]
    public async Task Compare_ShowsBothRunsAndWhatChangedFromAToB()
    {
        var json = await _client.GetJsonAsync($"/v1/runs/compare?a={api.CsvSucceeded}&b={api.CsvFailed}");

        json.GetProperty("a").GetProperty("id").GetGuid().ShouldBe(api.CsvSucceeded);
        json.GetProperty("b").GetProperty("id").GetGuid().ShouldBe(api.CsvFailed);
        var d = json.GetProperty("differences");
        d.GetProperty("same_source").GetBoolean().ShouldBeTrue();
        d.GetProperty("status").GetProperty("a").GetString().ShouldBe("succeeded");
        d.GetProperty("status").GetProperty("b").GetString().ShouldBe("failed");
        d.GetProperty("status").GetProperty("changed").GetBoolean().ShouldBeTrue();
        d.GetProperty("trigger").GetProperty("changed").GetBoolean().ShouldBeTrue();
        d.GetProperty("started_apart_seconds").GetDouble().ShouldBe(3600);
        Difference(d, "duration_ms").ShouldBe((1000L, 500L, -500L, 0.5));
        Difference(d, "read").ShouldBe((10L, 5L, -5L, 0.5));
        Difference(d, "loaded").ShouldBe((8L, 2L, -6L, 0.25));
        Difference(d, "skipped").ShouldBe((1L, 0L, -1L, 0d));
        Difference(d, "rejected").ShouldBe((1L, 3L, 2L, 3d));
    }

    [Fact]
    public async Task Compare_AcrossSources_WithARunningRun_LeavesUnknownDifferencesNull()
    {
        var json = await _client.GetJsonAsync($"/v1/runs/compare?a={api.GeckoPartial}&b={api.PaprikaRunning}");

        var d = json.GetProperty("differences");
        d.GetProperty("same_source").GetBoolean().ShouldBeFalse();
        var duration = d.GetProperty("duration_ms");
        duration.GetProperty("a").GetInt64().ShouldBe(2000);
        duration.GetProperty("b").ValueKind.ShouldBe(JsonValueKind.Null);
        duration.GetProperty("delta").ValueKind.ShouldBe(JsonValueKind.Null);
        duration.GetProperty("ratio").ValueKind.ShouldBe(JsonValueKind.Null);
        var rejected = d.GetProperty("rejected");
        rejected.GetProperty("delta").GetInt64().ShouldBe(0);
        rejected.GetProperty("ratio").ValueKind.ShouldBe(JsonValueKind.Null); // a rejected nothing
    }

    [Theory]
    [InlineData("", new[] { "a", "b" })]
    [InlineData("a={csv}", new[] { "b" })]
    [InlineData("b={csv}", new[] { "a" })]
    [InlineData("a=&b={csv}", new[] { "a" })]
    [InlineData("a=xyz&b={csv}", new[] { "a" })]
    [InlineData("a={csv}&b=42", new[] { "b" })]
    public async Task Compare_MissingOrMalformedIds_AreA400NamingEach(string query, string[] parameters)
    {
        var problem = await _client.GetProblemAsync($"/v1/runs/compare?{query.Replace("{csv}", api.CsvSucceeded.ToString(), StringComparison.Ordinal)}", HttpStatusCode.BadRequest);

        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order().ShouldBe(parameters);
    }

    [Fact]
    public async Task Compare_AnUnknownRun_IsA404NamingIt()
    {
        var unknown = Guid.NewGuid();

        var problem = await _client.GetProblemAsync($"/v1/runs/compare?a={api.CsvSucceeded}&b={unknown}", HttpStatusCode.NotFound);

        problem.GetProperty("detail").GetString().ShouldBe($"No run '{unknown}' exists.");
    }

    private static (long A, long B, long Delta, double Ratio) Difference(JsonElement differences, string name)
    {
        var d = differences.GetProperty(name);
        return (d.GetProperty("a").GetInt64(), d.GetProperty("b").GetInt64(), d.GetProperty("delta").GetInt64(), d.GetProperty("ratio").GetDouble());
    }

    public sealed class Seeded : ApiFactory
    {
        public Guid CsvOldest { get; private set; }

        public Guid CsvSucceeded { get; private set; }

        public Guid GeckoPartial { get; private set; }

        public Guid CsvFailed { get; private set; }

        public Guid PaprikaRunning { get; private set; }

        protected override async Task SeedAsync()
        {
            CsvOldest = await this.RunAsync("csv", T0.AddMinutes(30), read: 1, loaded: 1);
            CsvSucceeded = await this.RunAsync("csv", T0.AddHours(1), durationMs: 1000, read: 10, loaded: 8, skipped: 1, rejected: 1);
            GeckoPartial = await this.RunAsync("coingecko", T0.AddMinutes(90), "partial", 2000, read: 100, loaded: 90, skipped: 10, trigger: "manual");
            CsvFailed = await this.RunAsync("csv", T0.AddHours(2), "failed", 500, read: 5, loaded: 2, rejected: 3, trigger: "cli", error: "source unreachable");
            PaprikaRunning = await this.RunAsync("coinpaprika", T0.AddHours(3), "running", read: 7, loaded: 7);
        }
    }
}
