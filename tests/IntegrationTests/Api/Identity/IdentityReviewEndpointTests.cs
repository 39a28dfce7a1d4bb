using System.Net;

namespace Kasparro.IntegrationTests.Api.Identity;

/// <summary><c>GET /v1/identity/review</c> with its evidence, and the admin token on every identity endpoint.</summary>
public sealed class IdentityReviewEndpointTests(AdminApi api) : IClassFixture<AdminApi>
{
    private static readonly DateTimeOffset T = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private readonly HttpClient _client = api.CreateClient();

    public static TheoryData<string, string> AdminEndpoints => new()
    {
        { "GET", "/v1/identity/review" },
        { "GET", $"/v1/assets/{Guid.Empty}/decisions" },
        { "POST", $"/v1/assets/{Guid.Empty}/split" },
        { "POST", "/v1/assets/merge" },
    };

    [Fact]
    public async Task Review_ListsLowConfidenceMappings_SharedTickers_AndPriceDisagreements_WithTheirEvidence()
    {
        var unsure = await api.AssetAsync("RVWA", "Reviewcoin", 10_000m);
        await api.MappingAsync(unsure, "coinpaprika", "rvwa-reviewcoin");
        await api.MappingAsync(unsure, "csv", "RVWA", "symbol", 0.45m);
        await api.QuoteAsync(unsure, "RVWA", "csv", "RVWA", T, 4.5m, 9_000m, "Review Coin");
        var shared = await api.AssetAsync("RVWS", "Shared One", 2_000m);
        var sharing = await api.AssetAsync("RVWS", "Shared Two", 30m);
        await api.MappingAsync(shared, "coingecko", "shared-one");
        await api.MappingAsync(sharing, "coinpaprika", "rvws-shared-two");
        var apart = await api.AssetAsync("RVWP", "Pricecoin");
        await api.MappingAsync(apart, "coinpaprika", "rvwp-pricecoin");
        await api.MappingAsync(apart, "coingecko", "pricecoin", "symbol+name", 0.97m);
        await api.QuoteAsync(apart, "RVWP", "coinpaprika", "rvwp-pricecoin", T, 1m, 100m, "Pricecoin");
        await api.QuoteAsync(apart, "RVWP", "coingecko", "pricecoin", T.AddHours(-2), 2.5m, 250m, "PriceCoin");

        var review = await _client.SendJsonAsync(IdentityApi.Get("/v1/identity/review?below=0.5&price_factor=2"), HttpStatusCode.OK);

        var low = review.GetProperty("low_confidence").EnumerateArray().Single(m => m.GetProperty("asset_id").GetGuid() == unsure);
        (low.GetProperty("source").GetString(), low.GetProperty("method").GetString(), low.GetProperty("confidence").GetDecimal()).ShouldBe(("csv", "symbol", 0.45m));
        (low.GetProperty("name").GetString(), low.GetProperty("asset_name").GetString()).ShouldBe(("Review Coin", "Reviewcoin"));
        (low.GetProperty("price_usd").GetDecimal(), low.GetProperty("market_cap_usd").GetDecimal()).ShouldBe((4.5m, 9_000m));
        review.GetProperty("low_confidence").EnumerateArray().ShouldNotContain(m => m.GetProperty("confidence").GetDecimal() >= 0.5m);

        var ticker = review.GetProperty("shared_tickers").EnumerateArray().Single(t => t.GetProperty("ticker").GetString() == "RVWS");
        ticker.GetProperty("assets").EnumerateArray().Select(a => a.GetProperty("name").GetString()).ShouldBe(["Shared One", "Shared Two"]);
        ticker.GetProperty("assets")[0].GetProperty("mappings")[0].GetProperty("source_asset_id").GetString().ShouldBe("shared-one");

        var disagreement = review.GetProperty("price_disagreements").EnumerateArray().Single(p => p.GetProperty("asset_id").GetGuid() == apart);
        disagreement.GetProperty("factor").GetDecimal().ShouldBe(2.5m);
        disagreement.GetProperty("quotes").EnumerateArray().Select(q => q.GetProperty("price_usd").GetDecimal()).ShouldBe([2.5m, 1m]);
        review.GetProperty("thresholds").GetProperty("price_factor").GetDecimal().ShouldBe(2m);

        var wider = await _client.SendJsonAsync(IdentityApi.Get("/v1/identity/review?price_factor=3"), HttpStatusCode.OK);
        wider.GetProperty("price_disagreements").EnumerateArray().ShouldNotContain(p => p.GetProperty("asset_id").GetGuid() == apart);
    }

    [Theory]
    [InlineData("below=0", "below")]
    [InlineData("below=1.5", "below")]
    [InlineData("price_factor=1", "price_factor")]
    [InlineData("price_factor=-2", "price_factor")]
    [InlineData("limit=0", "limit")]
    public async Task Review_WithABadParameter_Is400NamingIt(string query, string parameter)
    {
        var problem = await _client.SendProblemAsync(IdentityApi.Get("/v1/identity/review?" + query), HttpStatusCode.BadRequest);

        problem.ErrorsFor(parameter).ShouldNotBeEmpty();
    }

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task AdminEndpoints_WithoutTheToken_Are401(string method, string path)
    {
        foreach (var bearer in new string?[] { null, "not-the-token" })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (bearer is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            }

            var problem = await _client.SendProblemAsync(request, HttpStatusCode.Unauthorized);

            problem.ToString().ShouldNotContain(AdminApi.AdminToken);
        }
    }

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task AdminEndpoints_WithAnAPIKeyInsteadOfTheToken_Are401(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("X-API-Key", AdminApi.AdminToken);

        using var response = await _client.SendAsync(request);

        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
    }
}

/// <summary>Without ADMIN_TOKEN the identity endpoints are disabled, whatever is sent.</summary>
public sealed class IdentityEndpointsDisabledTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _client = api.CreateClient();

    [Theory]
    [MemberData(nameof(IdentityReviewEndpointTests.AdminEndpoints), MemberType = typeof(IdentityReviewEndpointTests))]
    public async Task AdminEndpoints_WithoutAnAdminTokenConfigured_Are403(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "anything");

        var problem = await _client.SendProblemAsync(request, HttpStatusCode.Forbidden);

        problem.GetProperty("detail").GetString()!.ShouldContain("ADMIN_TOKEN");
    }
}
