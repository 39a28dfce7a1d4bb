using System.Net;
using System.Text.Json;
using Kasparro.Application.Ingestion.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace Kasparro.IntegrationTests.Api.Identity;

/// <summary>
/// <c>POST /v1/assets/{id}/split</c> and <c>POST /v1/assets/merge</c> against a real database: mappings and quotes
/// moved in one transaction, the decision recorded with the operator's fingerprint, idempotent, and refused when they
/// would break an identity rule or touch a source being run.
/// </summary>
public sealed class IdentityCorrectionEndpointTests(AdminApi api) : IClassFixture<AdminApi>
{
    private static readonly DateTimeOffset T = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task Split_MovesTheMappingAndItsQuotesToANewAsset_RecordsTheDecision_AndMadeAgainChangesNothing()
    {
        var asset = await api.AssetAsync("SPLT", "Splitcoin", 5_000_000m);
        await api.MappingAsync(asset, "coinpaprika", "splt-splitcoin");
        await api.MappingAsync(asset, "coingecko", "splitcoin-classic", "symbol+name", 0.9m);
        await api.MappingAsync(asset, "csv", "SPLT", "symbol+name");
        await api.QuoteAsync(asset, "SPLT", "coinpaprika", "splt-splitcoin", T, 10m, 5_000_000m, "Splitcoin");
        for (var hour = 0; hour < 3; hour++)
        {
            await api.QuoteAsync(asset, "SPLT", "coingecko", "splitcoin-classic", T.AddHours(hour), 0.01m, 40_000m + hour, "Splitcoin Classic");
        }

        var body = IdentityApi.SplitBody("Splitcoin Classic is another coin", ("coingecko", "splitcoin-classic"));
        var split = await _client.SendJsonAsync(ApiJson.Post($"/v1/assets/{asset}/split", body, AdminApi.AdminToken), HttpStatusCode.OK);

        split.GetProperty("asset_id").GetGuid().ShouldBe(asset);
        var created = split.GetProperty("other_asset_id").GetGuid();
        (split.GetProperty("changed").GetBoolean(), split.GetProperty("quotes_moved").GetInt64()).ShouldBe((true, 3L));
        split.GetProperty("moved").EnumerateArray().Select(m => m.GetProperty("source_asset_id").GetString()).ShouldBe(["splitcoin-classic"]);
        (await api.ScalarAsync<string>("SELECT asset_id || ' ' || method || ' ' || trim_scale(confidence) FROM asset_sources WHERE source_asset_id = 'splitcoin-classic'"))
            .ShouldBe($"{created} manual 1");
        (await api.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE source_asset_id = 'splitcoin-classic' AND asset_id = $1", created)).ShouldBe(3);
        (await api.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE asset_id = $1", asset)).ShouldBe(1);
        (await api.ScalarAsync<string>("SELECT ticker || ' ' || name || ' ' || trim_scale(market_cap_usd) FROM assets WHERE id = $1", created)).ShouldBe("SPLT Splitcoin Classic 40002");
        (await api.ScalarAsync<decimal>("SELECT market_cap_usd FROM assets WHERE id = $1", asset)).ShouldBe(5_000_000m);

        var decisions = await _client.SendJsonAsync(IdentityApi.Get($"/v1/assets/{asset}/decisions"), HttpStatusCode.OK);
        var decision = decisions.GetProperty("data")[0];
        decision.GetProperty("what").GetString().ShouldBe("split");
        decision.GetProperty("other_asset_id").GetGuid().ShouldBe(created);
        (decision.GetProperty("who").GetString(), decision.GetProperty("reason").GetString()).ShouldBe((AdminApi.Operator, "Splitcoin Classic is another coin"));
        decision.GetProperty("before")[0].GetProperty("mappings").GetArrayLength().ShouldBe(3);
        decision.GetProperty("after").EnumerateArray().Select(a => a.GetProperty("mappings").GetArrayLength()).ShouldBe([2, 1]);
        decisions.ToString().ShouldNotContain(AdminApi.AdminToken);
        var ofCreated = await _client.SendJsonAsync(IdentityApi.Get($"/v1/assets/{created}/decisions"), HttpStatusCode.OK);
        ofCreated.GetProperty("data")[0].GetProperty("id").GetInt64().ShouldBe(decision.GetProperty("id").GetInt64());

        var again = await _client.SendJsonAsync(ApiJson.Post($"/v1/assets/{asset}/split", body, AdminApi.AdminToken), HttpStatusCode.OK);

        (again.GetProperty("changed").GetBoolean(), again.GetProperty("other_asset_id").GetGuid()).ShouldBe((false, created));
        again.GetProperty("decision_id").GetInt64().ShouldBe(decision.GetProperty("id").GetInt64());
        (await api.ScalarAsync<long>("SELECT count(*) FROM identity_decisions WHERE what = 'split' AND asset_id = $1", asset)).ShouldBe(1);
        (await api.ScalarAsync<long>("SELECT count(*) FROM assets WHERE ticker = 'SPLT'")).ShouldBe(2);
    }

    [Fact]
    public async Task Split_MovesTheDataVersionOn_SoARevalidatedReadAnswersAgain()
    {
        var asset = await api.AssetAsync("ETAG", "Etagcoin", 1_000_000m);
        await api.MappingAsync(asset, "coinpaprika", "etag-etagcoin");
        await api.MappingAsync(asset, "coingecko", "etagcoin-classic", "symbol+name", 0.9m);
        await api.QuoteAsync(asset, "ETAG", "coingecko", "etagcoin-classic", T, 0.01m, 40_000m, "Etagcoin Classic");
        using var before = await _client.GetAsync(new Uri($"/v1/assets/{asset}", UriKind.Relative));
        before.StatusCode.ShouldBe(HttpStatusCode.OK);
        var etag = before.Headers.ETag.ShouldNotBeNull();

        await _client.SendJsonAsync(
            ApiJson.Post($"/v1/assets/{asset}/split", IdentityApi.SplitBody("another coin", ("coingecko", "etagcoin-classic")), AdminApi.AdminToken),
            HttpStatusCode.OK);

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, new Uri($"/v1/assets/{asset}", UriKind.Relative));
        revalidate.Headers.IfNoneMatch.Add(etag);
        using var after = await _client.SendAsync(revalidate);
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
        after.Headers.ETag.ShouldNotBe(etag);
        (await after.Content.ReadAsStringAsync()).ShouldNotContain("etagcoin-classic");
    }

    [Fact]
    public async Task Merge_FoldsEveryMappingAndQuoteIntoTheKeptAsset_RemovesTheOther_AndMadeAgainChangesNothing()
    {
        var kept = await api.AssetAsync("MRGA", "Mergecoin", 900m);
        var folded = await api.AssetAsync("MRGB", null, 1_200m);
        await api.MappingAsync(kept, "coinpaprika", "mrga-mergecoin");
        await api.MappingAsync(folded, "coingecko", "mergecoin");
        await api.MappingAsync(folded, "csv", "MRGB");
        await api.QuoteAsync(kept, "MRGA", "coinpaprika", "mrga-mergecoin", T, 1m);
        await api.QuoteAsync(folded, "MRGB", "coingecko", "mergecoin", T, 1.01m);
        await api.QuoteAsync(folded, "MRGB", "csv", "MRGB", T.AddDays(-1), 0.99m);

        var merged = await _client.SendJsonAsync(ApiJson.Post("/v1/assets/merge", IdentityApi.MergeBody(folded, kept), AdminApi.AdminToken), HttpStatusCode.OK);

        (merged.GetProperty("asset_id").GetGuid(), merged.GetProperty("other_asset_id").GetGuid()).ShouldBe((kept, folded));
        (merged.GetProperty("changed").GetBoolean(), merged.GetProperty("quotes_moved").GetInt64()).ShouldBe((true, 2L));
        (await api.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE asset_id = $1", kept)).ShouldBe(3);
        (await api.ScalarAsync<long>("SELECT count(*) FROM asset_sources WHERE asset_id = $1 AND method = 'manual'", kept)).ShouldBe(2);
        (await api.ScalarAsync<long>("SELECT count(*) FROM assets WHERE id = $1", folded)).ShouldBe(0);
        (await api.ScalarAsync<string>("SELECT name || ' ' || trim_scale(market_cap_usd) FROM assets WHERE id = $1", kept)).ShouldBe("Mergecoin 1200");
        await _client.GetProblemAsync($"/v1/assets/{folded}", HttpStatusCode.NotFound);
        var records = await _client.SendJsonAsync(IdentityApi.Get($"/v1/assets/{folded}/decisions"), HttpStatusCode.OK);
        records.GetProperty("exists").GetBoolean().ShouldBeFalse();
        records.GetProperty("data")[0].GetProperty("what").GetString().ShouldBe("merge");

        var again = await _client.SendJsonAsync(ApiJson.Post("/v1/assets/merge", IdentityApi.MergeBody(folded, kept), AdminApi.AdminToken), HttpStatusCode.OK);

        (again.GetProperty("changed").GetBoolean(), again.GetProperty("decision_id").GetInt64()).ShouldBe((false, merged.GetProperty("decision_id").GetInt64()));
        (await api.ScalarAsync<long>("SELECT count(*) FROM identity_decisions WHERE what = 'merge' AND asset_id = $1", kept)).ShouldBe(1);
    }

    [Fact]
    public async Task Merge_OfTwoAssetsHoldingIdsOfOneCatalog_Is409NamingThem_AndChangesNothing()
    {
        var first = await api.AssetAsync("CLSH", "Clash");
        var second = await api.AssetAsync("CLSH", "Clash");
        await api.MappingAsync(first, "coingecko", "clash");
        await api.MappingAsync(second, "coingecko", "clash-2");
        await api.QuoteAsync(second, "CLSH", "coingecko", "clash-2", T, 3m);

        var problem = await _client.SendProblemAsync(ApiJson.Post("/v1/assets/merge", IdentityApi.MergeBody(second, first), AdminApi.AdminToken), HttpStatusCode.Conflict);

        problem.GetProperty("detail").GetString()!.ShouldContain("two coingecko ids (clash, clash-2)");
        problem.GetProperty("mappings").EnumerateArray().Select(m => m.GetProperty("source_asset_id").GetString()).ShouldBe(["clash", "clash-2"]);
        (await api.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE asset_id = $1", second)).ShouldBe(1);
        (await api.ScalarAsync<long>("SELECT count(*) FROM identity_decisions WHERE asset_id IN ($1, $2) AND what <> 'map'", first, second)).ShouldBe(0);
    }

    [Fact]
    public async Task Split_OfEveryMapping_OrOfAnotherAssetsMapping_Is409_AndOfAnUnknownMapping_404()
    {
        var asset = await api.AssetAsync("ONLY", "Only");
        var other = await api.AssetAsync("ONLY", "Only Other");
        await api.MappingAsync(asset, "coinpaprika", "only-only");
        await api.MappingAsync(other, "coingecko", "only-other");

        var everything = await _client.SendProblemAsync(
            ApiJson.Post($"/v1/assets/{asset}/split", IdentityApi.SplitBody("why", ("coinpaprika", "only-only")), AdminApi.AdminToken), HttpStatusCode.Conflict);
        var elsewhere = await _client.SendProblemAsync(
            ApiJson.Post($"/v1/assets/{asset}/split", IdentityApi.SplitBody("why", ("coingecko", "only-other")), AdminApi.AdminToken), HttpStatusCode.Conflict);
        var unknown = await _client.SendProblemAsync(
            ApiJson.Post($"/v1/assets/{asset}/split", IdentityApi.SplitBody("why", ("coingecko", "no-such-coin")), AdminApi.AdminToken), HttpStatusCode.NotFound);

        everything.GetProperty("detail").GetString()!.ShouldContain("at least one mapping");
        elsewhere.GetProperty("mappings")[0].GetProperty("asset_id").GetGuid().ShouldBe(other);
        unknown.GetProperty("detail").GetString()!.ShouldContain("coingecko:no-such-coin");
    }

    [Theory]
    [InlineData("""{"mappings":[{"source":"coingecko","source_asset_id":"x"}]}""", "reason")]
    [InlineData("""{"mappings":[],"reason":"why"}""", "mappings")]
    [InlineData("""{"mappings":[{"source":"binance","source_asset_id":"x"}],"reason":"why"}""", "mappings")]
    [InlineData("""{"mappings":[{"source":"csv","source_asset_id":"A"},{"source":"csv","source_asset_id":"A"}],"reason":"why"}""", "mappings")]
    public async Task Split_WithABadBody_Is400NamingTheField(string body, string field)
    {
        var problem = await _client.SendProblemAsync(ApiJson.Post($"/v1/assets/{Guid.CreateVersion7()}/split", body, AdminApi.AdminToken), HttpStatusCode.BadRequest);

        problem.ErrorsFor(field).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Corrections_WithBadIdsOrJson_Are400_AndOfUnknownAssets_404()
    {
        (await _client.SendProblemAsync(ApiJson.Post("/v1/assets/not-a-uuid/split", IdentityApi.SplitBody("why", ("csv", "A")), AdminApi.AdminToken), HttpStatusCode.BadRequest))
            .ErrorsFor("id").ShouldNotBeEmpty();
        var same = Guid.CreateVersion7();
        (await _client.SendProblemAsync(ApiJson.Post("/v1/assets/merge", IdentityApi.MergeBody(same, same), AdminApi.AdminToken), HttpStatusCode.BadRequest))
            .ErrorsFor("into").ShouldNotBeEmpty();
        await _client.SendProblemAsync(ApiJson.Post("/v1/assets/merge", "{\"from\": ", AdminApi.AdminToken), HttpStatusCode.BadRequest);
        await _client.SendProblemAsync(ApiJson.Post("/v1/assets/merge", IdentityApi.MergeBody(Guid.CreateVersion7(), Guid.CreateVersion7()), AdminApi.AdminToken), HttpStatusCode.NotFound);
        await _client.SendProblemAsync(IdentityApi.Get($"/v1/assets/{Guid.CreateVersion7()}/decisions"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Split_WhileARunOfAMovedSourceIsInProgress_Is409_AndChangesNothing()
    {
        var asset = await api.AssetAsync("BUSY", "Busycoin");
        await api.MappingAsync(asset, "coinpaprika", "busy-busycoin");
        await api.MappingAsync(asset, "csv", "BUSY");
        await api.QuoteAsync(asset, "BUSY", "csv", "BUSY", T, 2m);
        var runLock = api.Services.GetRequiredService<ISourceRunLock>();

        await using (var held = await runLock.TryAcquireAsync("csv", CancellationToken.None))
        {
            held.ShouldNotBeNull();
            var problem = await _client.SendProblemAsync(
                ApiJson.Post($"/v1/assets/{asset}/split", IdentityApi.SplitBody("why", ("csv", "BUSY")), AdminApi.AdminToken), HttpStatusCode.Conflict);

            problem.GetProperty("running_sources").EnumerateArray().Select(s => s.GetString()).ShouldBe(["csv"]);
        }

        (await api.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE asset_id = $1", asset)).ShouldBe(1);
        (await api.ScalarAsync<long>("SELECT count(*) FROM assets WHERE ticker = 'BUSY'")).ShouldBe(1);

        var split = await _client.SendJsonAsync(
            ApiJson.Post($"/v1/assets/{asset}/split", IdentityApi.SplitBody("why", ("csv", "BUSY")), AdminApi.AdminToken), HttpStatusCode.OK);
        split.GetProperty("quotes_moved").GetInt64().ShouldBe(1, "once the run has ended the same split goes through");
    }

    [Fact]
    public async Task Decisions_AreJsonWithBeforeAndAfter_NewestFirst_AndLimited()
    {
        var asset = await api.AssetAsync("DCSN", "Decision");
        await api.ExecuteAsync("""
            INSERT INTO identity_decisions (what, asset_id, source, source_asset_id, after, method, confidence, who, reason, decided_at)
            SELECT 'map', $1, 'csv', 'DCSN-' || i, jsonb_build_object('asset_id', $1::text, 'n', i), 'new', 1, 'resolver', 'new asset', now()
            FROM generate_series(1, 3) AS i
            """, asset);

        var page = await _client.SendJsonAsync(IdentityApi.Get($"/v1/assets/{asset}/decisions?limit=2"), HttpStatusCode.OK);

        page.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("source_asset_id").GetString()).ShouldBe(["DCSN-3", "DCSN-2"]);
        page.GetProperty("truncated").GetBoolean().ShouldBeTrue();
        page.GetProperty("data")[0].GetProperty("after").GetProperty("n").GetInt32().ShouldBe(3);
        page.GetProperty("data")[0].GetProperty("before").ValueKind.ShouldBe(JsonValueKind.Null);
    }
}
