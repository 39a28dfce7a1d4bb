using System.Net;

namespace Kasparro.IntegrationTests.Api;

/// <summary>Reads are rate limited per API key: 429 with Retry-After when the budget is spent, served again once it refills.</summary>
public sealed class RateLimitTests(RateLimitTests.Limited api) : IClassFixture<RateLimitTests.Limited>
{
    [Fact]
    public async Task AClientOverItsBudget_Gets429WithRetryAfter_ThenRecovers_WhileAnotherKeyIsUnaffected()
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", "key-a");
        for (var i = 0; i < 3; i++)
        {
            await client.GetJsonAsync("/v1/assets");
        }

        using (var refused = await client.GetAsync("/v1/assets"))
        {
            var problem = await refused.ReadProblemAsync(HttpStatusCode.TooManyRequests);
            refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(20));
            problem.GetProperty("detail").GetString()!.ShouldNotContain("key-a");
        }

        var other = api.CreateClient();
        other.DefaultRequestHeaders.Add("X-API-Key", "key-b");
        await other.GetJsonAsync("/v1/assets");

        // 3 per minute refills one token every 20 s.
        api.Time.Advance(TimeSpan.FromSeconds(19));
        (await client.GetAsync("/v1/assets")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        api.Time.Advance(TimeSpan.FromSeconds(1));
        await client.GetJsonAsync("/v1/assets");
        (await client.GetAsync("/v1/assets")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    public sealed class Limited : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["API_KEYS"] = "key-a,key-b",
            ["API_RATE_LIMIT"] = "3/min",
        };
    }
}
