using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;

namespace Kasparro.Infrastructure.Sources.Api;

/// <summary>What one item says, typed: the fields for the data rules, the problems found, and what incremental reads need.</summary>
internal sealed record ApiItemRead(RecordFields? Fields, IReadOnlyList<string> Problems, string? Id, string? LastUpdated, DateTimeOffset? LastUpdatedAt);

/// <summary>
/// Reads the expected fields of one API item by the plans of its response. Numbers are parsed from their JSON text
/// with <see cref="DecimalText"/> (never through <see cref="double"/>); only the fields that are normalized are
/// parsed at all, so other values of any size stay untouched in the raw payload.
/// </summary>
internal static class ApiItemFields
{
    /// <param name="zeroMarketCapIsUnknown">CoinPaprika writes 0 for a market cap it does not know.</param>
    public static ApiItemRead Read(JsonElement item, IReadOnlyDictionary<ApiField, FieldPlan> plans, DateTimeOffset fetchedAt, bool zeroMarketCapIsUnknown)
    {
        ArgumentNullException.ThrowIfNull(plans);
        if (item.ValueKind != JsonValueKind.Object)
        {
            return new ApiItemRead(null, [$"item is a JSON {item.ValueKind.ToString().ToLowerInvariant()}, not an object"], null, null, null);
        }

        var problems = new List<string>();
        var unreadable = QuoteFields.None;

        var id = Text(item, plans[ApiField.Id], problems);
        if (string.IsNullOrWhiteSpace(id) && plans[ApiField.Id].MissingReason is null)
        {
            // Without its own id the record would be keyed by its symbol, which several coins share.
            problems.Add($"field '{plans[ApiField.Id].Expected.Path}' (the source's asset id) is missing or empty");
        }

        var symbol = Text(item, plans[ApiField.Symbol], problems);
        var name = Text(item, plans[ApiField.Name], problems);
        var price = Number(item, plans[ApiField.Price], QuoteFields.Price, problems, ref unreadable);
        var marketCap = Number(item, plans[ApiField.MarketCap], QuoteFields.MarketCap, problems, ref unreadable);
        if (zeroMarketCapIsUnknown && marketCap == 0m)
        {
            marketCap = null;
        }

        var volume = Number(item, plans[ApiField.Volume24h], QuoteFields.Volume, problems, ref unreadable);
        var change = Number(item, plans[ApiField.PercentChange24h], QuoteFields.PercentChange, problems, ref unreadable);
        var (lastUpdated, lastUpdatedAt) = Timestamp(item, plans[ApiField.LastUpdated], problems, ref unreadable);

        var fields = new RecordFields(id, symbol, name, price, marketCap, volume, change, lastUpdatedAt, lastUpdatedAt ?? fetchedAt) { Unreadable = unreadable };
        return new ApiItemRead(fields, problems, string.IsNullOrWhiteSpace(id) ? null : id, lastUpdated, lastUpdatedAt);
    }

    /// <summary>The value at a plan's path; <c>false</c> when the path does not lead to a value (a JSON null is a value).</summary>
    public static bool TryFind(JsonElement item, string[] segments, out JsonElement value)
    {
        value = item;
        foreach (var segment in segments)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value))
            {
                return false;
            }
        }

        return true;
    }

    public static string? Text(JsonElement item, FieldPlan plan, List<string> problems)
    {
        if (!Find(item, plan, problems, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            JsonValueKind.Number => value.GetRawText(),
            _ => Problem<string>(problems, $"field '{plan.Expected.Path}' is a JSON {Kind(value)}, not text"),
        };
    }

    /// <summary>A number from its JSON text (or from a string holding one); <c>null</c> when absent or JSON null.</summary>
    public static decimal? Number(JsonElement item, FieldPlan plan, QuoteFields flag, List<string> problems, ref QuoteFields unreadable)
    {
        if (!Find(item, plan, problems, out var value))
        {
            if (plan.MissingReason is not null)
            {
                unreadable |= flag;
            }

            return null;
        }

        Kasparro.Domain.Common.Validated<decimal> parsed;
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number:
                parsed = ParseNumber(JsonMarshal.GetRawUtf8Value(value));
                break;
            case JsonValueKind.String:
                parsed = DecimalText.Parse(value.GetString());
                break;
            default:
                unreadable |= flag;
                problems.Add($"field '{plan.Expected.Path}' is a JSON {Kind(value)}, not a number");
                return null;
        }

        if (!parsed.IsValid)
        {
            unreadable |= flag;
            problems.Add($"field '{plan.Expected.Path}' {parsed.Error}");
            return null;
        }

        return parsed.Value;
    }

    /// <summary>An ISO-8601 timestamp: its text as sent (compared for incremental reads) and its value.</summary>
    public static (string? Text, DateTimeOffset? Value) Timestamp(JsonElement item, FieldPlan plan, List<string> problems, ref QuoteFields unreadable)
    {
        if (!Find(item, plan, problems, out var value))
        {
            if (plan.MissingReason is not null)
            {
                unreadable |= QuoteFields.Timestamp;
            }

            return (null, null);
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        if (value.ValueKind == JsonValueKind.String && TryParseIso8601(text, out var parsed))
        {
            return (text, parsed);
        }

        unreadable |= QuoteFields.Timestamp;
        problems.Add($"field '{plan.Expected.Path}' '{Shorten(text)}' is not an ISO-8601 timestamp");
        return (text, null);
    }

    internal static bool TryParseIso8601(string text, out DateTimeOffset value)
    {
        value = default;

        // Dates only as the standard writes them (2023-08-11T08:09:18Z), not whatever the culture would accept.
        return text.Length >= 10 && char.IsAsciiDigit(text[0]) && text[4] == '-' && text[7] == '-'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    private static Kasparro.Domain.Common.Validated<decimal> ParseNumber(ReadOnlySpan<byte> utf8)
    {
        // JSON numbers are ASCII: one char per byte.
        Span<char> chars = utf8.Length <= 128 ? stackalloc char[utf8.Length] : new char[utf8.Length];
        var count = Encoding.ASCII.GetChars(utf8, chars);
        return DecimalText.Parse(chars[..count]);
    }

    private static bool Find(JsonElement item, FieldPlan plan, List<string> problems, out JsonElement value)
    {
        if (TryFind(item, plan.Segments, out value))
        {
            return true;
        }

        if (plan.MissingReason is not null)
        {
            problems.Add(plan.MissingReason);
        }

        return false;
    }

    private static T? Problem<T>(List<string> problems, string problem)
        where T : class
    {
        problems.Add(problem);
        return null;
    }

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
