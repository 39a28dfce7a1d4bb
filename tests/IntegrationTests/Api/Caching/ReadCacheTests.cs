using System.Net;
using System.Net.Http.Headers;
using Npgsql;

namespace Kasparro.IntegrationTests.Api.Caching;

/// <summary>
/// The <c>/v1</c> reads' ETags, 304s and server cache in one process: an answer is reused until a stored change, each
/// response has its own <c>meta</c>, and neither errors nor invalid requests are answered from the cache.
/// </summary>
public sealed class ReadCacheTests(ReadCacheTests.Seeded api) : IClassFixture<ReadCacheTests.Seeded>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task A200_CarriesAStrongETagAndNoCache_AndAMatchingIfNoneMatchGets304WithoutTouchingTheData()
    {
        await api.UntilListeningAsync(_client);
        using var first = await _client.GetAsync("/v1/data?ticker=ETAG");
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var etag = first.Headers.ETag.ShouldNotBeNull();
        etag.IsWeak.ShouldBeFalse();
        first.Headers.CacheControl.ShouldNotBeNull().NoCache.ShouldBeTrue();

        // The data tables locked: a data query would wait until the request times out (503); a 304 makes none.
        await using var tablesLocked = await LockAsync("quotes, assets, asset_sources");

        // The same read spelled with its defaults: the same ETag.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/data?limit=50&ticker=etag&sort=-observed_at");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0-other\""));
        request.Headers.IfNoneMatch.Add(etag);
        using var revalidated = await _client.SendAsync(request);

        revalidated.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        revalidated.Headers.ETag.ShouldBe(etag);
        revalidated.Headers.CacheControl.ShouldNotBeNull().NoCache.ShouldBeTrue();
        (await revalidated.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task AfterAStoredChange_TheOldETagGets200_WithTheNewRowAndANewETag()
    {
        await api.UntilListeningAsync(_client);
        using var first = await _client.GetAsync("/v1/data?ticker=CHNG");
        var etag = first.Headers.ETag.ShouldNotBeNull();
        (await first.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("data").GetArrayLength().ShouldBe(1);

        await api.QuoteAsync(api.Changing, "CHNG", "csv", "chng", T0.AddHours(1), 2m);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/data?ticker=CHNG");
        request.Headers.IfNoneMatch.Add(etag);
        using var after = await _client.SendAsync(request);
        var json = await after.ReadJsonAsync(HttpStatusCode.OK);
        after.Headers.ETag.ShouldNotBeNull().ShouldNotBe(etag);
        var rows = json.GetProperty("data");
        rows.GetArrayLength().ShouldBe(2);
        rows[0].GetProperty("price_usd").GetDecimal().ShouldBe(2m);
        json.GetProperty("pagination").GetProperty("total").GetInt64().ShouldBe(2, "the total is counted again after a change too");
    }

    [Fact]
    public async Task ARememberedAnswer_IsServedWithEachRequestsOwnMeta()
    {
        await api.UntilListeningAsync(_client);
        var (firstBody, firstMeta) = await GetWithIdAsync("/v1/assets/META", "first-request");
        var hits = await _client.MetricAsync("response_cache_hits_total");

        var (secondBody, secondMeta) = await GetWithIdAsync("/v1/assets/meta", "second-request");

        (await _client.MetricAsync("response_cache_hits_total")).ShouldBe(hits + 1, "the second read is answered from the cache");
        secondBody.ShouldBe(firstBody);
        firstMeta.GetProperty("request_id").GetString().ShouldBe("first-request");
        secondMeta.GetProperty("request_id").GetString().ShouldBe("second-request");
        secondMeta.GetProperty("api_latency_ms").GetDouble().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task AnInvalidRequest_GetsItsProblem_EvenWhenTheValidReadItParsesLikeIsRemembered()
    {
        await api.UntilListeningAsync(_client);
        await _client.GetJsonAsync("/v1/data?ticker=ETAG");
        await _client.GetJsonAsync("/v1/data?ticker=ETAG");

        // An unreadable limit falls back to the default while parsing: only validation tells the two apart.
        var problem = await _client.GetProblemAsync("/v1/data?ticker=ETAG&limit=abc", HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty("limit").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task AnError_IsNotRemembered()
    {
        await api.UntilListeningAsync(_client);
        var id = Guid.CreateVersion7();
        await _client.GetProblemAsync($"/v1/runs/{id}", HttpStatusCode.NotFound);

        // Written without moving the data version on: only a read that asks the database again can see it.
        await using (var insert = api.Data.CreateCommand(
            "INSERT INTO etl_runs (id, source, trigger, status, started_at) VALUES ($1, 'csv', 'cli', 'running', now())"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = id });
            await insert.ExecuteNonQueryAsync();
        }

        (await _client.GetJsonAsync($"/v1/runs/{id}")).GetProperty("data").GetProperty("id").GetGuid().ShouldBe(id);
    }

    [Fact]
    public async Task ConcurrentMissesOfOneRead_AskTheDatabaseOnce_AndShareItsAnswer()
    {
        var (locking, first, second) = await TwoReadsOfOneMissAsync("/v1/data?ticker=ONCE", "/v1/data?limit=50&ticker=once");
        await using var quotesLocked = locking;

        (await WaitingOnALockAsync()).ShouldBe(1, "the second read sent no query of its own");
        await quotesLocked.DisposeAsync();
        using var firstResponse = await first;
        using var secondResponse = await second;
        var firstJson = await firstResponse.ReadJsonAsync(HttpStatusCode.OK);
        var secondJson = await secondResponse.ReadJsonAsync(HttpStatusCode.OK);
        firstJson.GetProperty("data").GetArrayLength().ShouldBe(1);
        secondJson.GetProperty("data").GetRawText().ShouldBe(firstJson.GetProperty("data").GetRawText());
        secondResponse.Headers.ETag.ShouldBe(firstResponse.Headers.ETag);
    }

    [Fact]
    public async Task WhenTheReadAnsweringAMissGoesAway_TheOneWaitingForItAsksForItself()
    {
        var misses = await _client.MetricAsync("response_cache_misses_total");
        using var firstClientLeaves = new CancellationTokenSource();
        var (locking, first, second) = await TwoReadsOfOneMissAsync("/v1/data?ticker=LEFT", "/v1/data?ticker=left", firstClientLeaves.Token);
        await using var quotesLocked = locking;

        await firstClientLeaves.CancelAsync();
        await Should.ThrowAsync<TaskCanceledException>(first);
        await CacheProbe.UntilAsync(async () => await _client.MetricAsync("response_cache_misses_total") == misses + 2, "the second read asks for itself");
        await quotesLocked.DisposeAsync();

        using var secondResponse = await second;
        (await secondResponse.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("data").GetArrayLength().ShouldBe(1);
    }

    /// <summary>
    /// With the quotes locked (until the returned connection is disposed, which rolls its transaction back), a first
    /// read that waits in PostgreSQL for them, and a second read of the same answer that arrives meanwhile and waits for
    /// the first.
    /// </summary>
    private async Task<(NpgsqlConnection QuotesLocked, Task<HttpResponseMessage> First, Task<HttpResponseMessage> Second)> TwoReadsOfOneMissAsync(
        string first, string sameRead, CancellationToken firstClient = default)
    {
        await api.UntilListeningAsync(_client);
        var connection = await LockAsync("quotes");
        try
        {
            var coalesced = await _client.MetricAsync("response_cache_coalesced_total");
            var firstRead = _client.GetAsync(first, firstClient);
            await CacheProbe.UntilAsync(async () => await WaitingOnALockAsync() == 1, "the first read waits for the quotes");
            var secondRead = _client.GetAsync(sameRead, CancellationToken.None);
            await CacheProbe.UntilAsync(async () => await _client.MetricAsync("response_cache_coalesced_total") == coalesced + 1, "the second read waits for the first");
            return (connection, firstRead, secondRead);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The tables locked in a transaction of their own, until the returned connection is disposed.</summary>
    private async Task<NpgsqlConnection> LockAsync(string tables)
    {
        var connection = await api.Data.OpenConnectionAsync();
        try
        {
            // Not disposed here: the transaction ends, rolled back, when the connection does.
            var transaction = await connection.BeginTransactionAsync();
            await using var lockTables = new NpgsqlCommand($"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE", connection, transaction);
            await lockTables.ExecuteNonQueryAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<long> WaitingOnALockAsync()
    {
        await using var count = api.Data.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private async Task<(string Body, System.Text.Json.JsonElement Meta)> GetWithIdAsync(string url, string requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Request-Id", requestId);
        using var response = await _client.SendAsync(request);
        var json = await response.ReadJsonAsync(HttpStatusCode.OK);
        var body = json.GetRawText();
        return (body[..body.LastIndexOf("\"meta\"", StringComparison.Ordinal)], json.GetProperty("meta"));
    }

    public sealed class Seeded : ApiFactory
    {
        public Guid Changing { get; private set; }

        protected override async Task SeedAsync()
        {
            var etag = await this.AssetAsync("ETAG", "Etag Coin");
            await this.MappingAsync(etag, "csv", "etag");
            await this.QuoteAsync(etag, "ETAG", "csv", "etag", T0, 1m);
            Changing = await this.AssetAsync("CHNG", "Changing Coin");
            await this.MappingAsync(Changing, "csv", "chng");
            await this.QuoteAsync(Changing, "CHNG", "csv", "chng", T0, 1m);
            var once = await this.AssetAsync("ONCE", "Once Coin");
            await this.MappingAsync(once, "csv", "once");
            await this.QuoteAsync(once, "ONCE", "csv", "once", T0, 1m);
            var left = await this.AssetAsync("LEFT", "Left Coin");
            await this.MappingAsync(left, "csv", "left");
            await this.QuoteAsync(left, "LEFT", "csv", "left", T0, 1m);
            var meta = await this.AssetAsync("META", "Meta Coin");
            await this.MappingAsync(meta, "csv", "meta");
        }
    }
}
