using System.Text;

namespace Kasparro.IntegrationTests.Api;

/// <summary>
/// A thousand generated malformed query strings (fixed seed, so a failure replays) against the read endpoints: every
/// answer is below 500, and every 4xx is a problem document.
/// </summary>
public sealed class QueryFuzzTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly string[] Paths = ["/v1/data", "/v1/assets", "/v1/assets/BTC", "/v1/assets/BTC/history", "/v1/runs", "/v1/schema-drift", "/v1/stats", "/v1/runs/anomalies", "/v1/runs/compare"];

    private static readonly string[] Names =
        ["ticker", "asset_id", "source", "from", "to", "sort", "limit", "offset", "cursor", "interval", "a", "b", "id", "TICKER", "limit[]", "", "%00", "sort%20", "x"];

    private static readonly string[] Values =
    [
        "", " ", "-1", "0", "1", "500", "501", "2147483648", "99999999999999999999", "1e3", "0x10", "NaN", "Infinity", "-0", "1.5",
        "2026-11-20", "2026-02-30", "2026-11-20T25:61:00Z", "9999-12-31T23:59:59Z", "0001-01-01", "yesterday", "1700000000",
        "BTC", "btc,eth", ",,,", "BTC,,", "coinpaprika", "CSV", "binance", "-observed_at", "--price_usd", "ticker;DROP TABLE quotes",
        "' OR 1=1 --", "\"", "\\", "%", "%zz", "%00", "%C0%AF", "%FF%FE", "\u200bBTC", "😀", "ÅÄÖ", "\u0007", "\r\n", new string('9', 400),
        "00000000-0000-0000-0000-000000000000", "{}", "[]", "null", "true", "WzEsIi1vYnNlcnZlZF9hdCIsIngiLDEsImEiLCJiIiwxXQ", "AAAA", "====",
    ];

    [Fact]
    public async Task AThousandMalformedQueries_NeverGetA5xx()
    {
        var random = new Random(20261122);
        var client = api.CreateClient();
        var failures = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            var url = Generate(random);
            using var response = await client.GetAsync(url);
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                failures.Add($"{status} {url}");
            }
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{status} without a problem body: {url}");
            }
        }

        failures.ShouldBeEmpty();
    }

    private static string Generate(Random random)
    {
        var query = new StringBuilder();
        var pairs = random.Next(1, 6);
        for (var p = 0; p < pairs; p++)
        {
            query.Append(p == 0 ? '?' : '&');
            var name = Names[random.Next(Names.Length)];
            var value = Values[random.Next(Values.Length)];
            if (random.Next(4) == 0)
            {
                value = Mutate(value, random);
            }

            query.Append(name).Append('=').Append(random.Next(3) == 0 ? value : Uri.EscapeDataString(value));
        }

        return Paths[random.Next(Paths.Length)] + query;
    }

    private static string Mutate(string value, Random random)
    {
        var chars = value.ToCharArray().ToList();
        var position = chars.Count == 0 ? 0 : random.Next(chars.Count);
        const string noise = "-+.,:;%&=?#/\\'\"<>{}[]~`^|$@!*()0123456789eE";
        chars.Insert(position, noise[random.Next(noise.Length)]);
        return new string([.. chars]);
    }
}
