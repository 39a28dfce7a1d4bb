using System.Net;

namespace Kasparro.IntegrationTests.Api.Caching;

/// <summary>The API key and the rate limit are checked before the cache: a remembered answer never reaches a refused request.</summary>
public sealed class ReadCacheAccessTests(ReadCacheAccessTests.Guarded api) : IClassFixture<ReadCacheAccessTests.Guarded>
{
    [Fact]
    public async Task ARememberedAnswer_IsNeverServedToARequestThatGets401Or429()
    {
        var keyed = api.CreateClient();
        keyed.DefaultRequestHeaders.Add("X-API-Key", "key-a");
        await api.UntilListeningAsync(keyed);
        await keyed.GetJsonAsync("/v1/assets/GATE");
        var hits = await keyed.MetricAsync("response_cache_hits_total");
        await keyed.GetJsonAsync("/v1/assets/GATE");
        (await keyed.MetricAsync("response_cache_hits_total")).ShouldBe(hits + 1, "the answer is remembered");

        await api.CreateClient().GetProblemAsync("/v1/assets/GATE", HttpStatusCode.Unauthorized);
        var wrong = api.CreateClient();
        wrong.DefaultRequestHeaders.Add("X-API-Key", "not-a-key");
        await wrong.GetProblemAsync("/v1/assets/GATE", HttpStatusCode.Unauthorized);

        await keyed.GetJsonAsync("/v1/assets/GATE");
        using var refused = await keyed.GetAsync("/v1/assets/GATE");
        await refused.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter.ShouldNotBeNull();
        refused.Headers.ETag.ShouldBeNull();
        (await keyed.MetricAsync("response_cache_hits_total")).ShouldBe(hits + 2, "only the third keyed read within budget was a hit");
    }

    public sealed class Guarded : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["API_KEYS"] = "key-a",
            ["API_RATE_LIMIT"] = "3/min",
        };

        protected override async Task SeedAsync()
        {
            var gate = await this.AssetAsync("GATE", "Gate Coin");
            await this.MappingAsync(gate, "csv", "gate");
        }
    }
}
