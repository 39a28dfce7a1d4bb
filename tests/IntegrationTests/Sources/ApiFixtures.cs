using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Kasparro.IntegrationTests.Sources;

/// <summary>The recorded payloads copied under <c>Sources/Fixtures</c>, and edits of them for drift tests.</summary>
internal static class ApiFixtures
{
    public const string PaprikaTickers = "coinpaprika/tickers_usd_2500_2023-08-11.json";
    public const string GeckoMarkets100 = "coingecko/markets_usd_p1_100_2026-04-30.json";
    public const string GeckoMarkets20 = "coingecko/markets_usd_20_2026-07.json";
    public const string GeckoError403 = "coingecko/error_403_2023-03-30.json";
    public const string GeckoError429 = "coingecko/error_429_2022-09-29.json";

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Sources", "Fixtures", name));

    public static string Text(string name) => Encoding.UTF8.GetString(Bytes(name));

    /// <summary>The items of a fixture array, parsed.</summary>
    public static IReadOnlyList<JsonElement> Items(string name)
    {
        using var json = JsonDocument.Parse(Bytes(name));
        return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>Where the item after the first <paramref name="items"/> items starts (the comma after the last of them).</summary>
    public static int OffsetAfterItems(byte[] json, int items)
    {
        var reader = new Utf8JsonReader(json);
        var count = 0;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType is JsonTokenType.EndObject && ++count == items)
            {
                return (int)reader.BytesConsumed;
            }
        }

        throw new InvalidOperationException($"the fixture has fewer than {items} items");
    }

    /// <summary>How many complete items a body cut after <paramref name="length"/> bytes holds.</summary>
    public static int CompleteItemsBefore(byte[] json, int length)
    {
        var reader = new Utf8JsonReader(json.AsSpan(0, length), isFinalBlock: false, default);
        var count = 0;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType is JsonTokenType.EndObject)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Unix milliseconds of the newest <c>last_updated</c> among items.</summary>
    public static long NewestLastUpdatedMs(IEnumerable<JsonElement> items) =>
        items.Max(i => DateTimeOffset.Parse(i.GetProperty("last_updated").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
}
