using System.Globalization;
using System.Text.Json;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Quotes;

/// <summary>
/// The <c>cursor</c> of <c>GET /v1/data</c>: an <see cref="OpaqueCursor"/> scoped to the sort and the filters, whose
/// position is the last row's sort value and key. One made under another sort or other filters is a 400.
/// </summary>
public static class QuoteCursor
{
    public static string Encode(QuoteSort sort, QuoteFilter filter, QuotePosition position)
    {
        ArgumentNullException.ThrowIfNull(sort);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(position);
        return OpaqueCursor.Encode(sort.ToString(), filter.Fingerprint(), json =>
        {
            WriteValue(json, sort.Field, position.Value);
            json.WriteStringValue(position.Source);
            json.WriteStringValue(position.SourceAssetId);
            json.WriteNumberValue(position.ObservedAt.UtcTicks);
        });
    }

    /// <summary>The position, or an error saying why the cursor cannot be used with this sort and filter.</summary>
    public static bool TryDecode(string text, QuoteSort sort, QuoteFilter filter, out QuotePosition? position, out string? error)
    {
        ArgumentNullException.ThrowIfNull(sort);
        ArgumentNullException.ThrowIfNull(filter);
        QuotePosition? read = null;
        var opened = OpaqueCursor.TryOpen(
            text,
            sort.ToString(),
            filter.Fingerprint(),
            positionItems: 4,
            issued => $"was issued for sort '{issued}', not '{sort}'; start again without a cursor",
            "was issued for other filters; start again without a cursor",
            items =>
            {
                if (!TryReadValue(items[0], sort.Field, out var value)
                    || items[1].ValueKind != JsonValueKind.String || items[1].GetString() is not { } source
                    || items[2].ValueKind != JsonValueKind.String || items[2].GetString() is not { } sourceAssetId
                    || !OpaqueCursor.TryReadTicks(items[3], out var observedAt))
                {
                    return false;
                }

                read = new QuotePosition(value, source, sourceAssetId, observedAt);
                return true;
            },
            out var reason);
        position = opened ? read : null;
        error = opened ? null : reason;
        return opened;
    }

    private static void WriteValue(Utf8JsonWriter json, QuoteSortField field, QuoteSortValue value)
    {
        switch (field)
        {
            case QuoteSortField.ObservedAt:
                json.WriteNumberValue((value.Timestamp ?? throw new ArgumentException("an observed_at position needs a timestamp", nameof(value))).UtcTicks);
                break;
            case QuoteSortField.Ticker:
                json.WriteStringValue(value.Text ?? throw new ArgumentException("a ticker position needs a text", nameof(value)));
                break;
            default:
                // Decimals travel as text: exact, and a JSON number would invite a double somewhere.
                if (value.Number is { } number)
                {
                    json.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    json.WriteNullValue();
                }

                break;
        }
    }

    private static bool TryReadValue(JsonElement element, QuoteSortField field, out QuoteSortValue value)
    {
        value = default;
        switch (field)
        {
            case QuoteSortField.ObservedAt:
                if (OpaqueCursor.TryReadTicks(element, out var at))
                {
                    value = new QuoteSortValue(at, null, null);
                    return true;
                }

                return false;
            case QuoteSortField.Ticker:
                if (element.ValueKind == JsonValueKind.String)
                {
                    value = new QuoteSortValue(null, null, element.GetString());
                    return true;
                }

                return false;
            default:
                if (element.ValueKind == JsonValueKind.Null)
                {
                    // Only market caps are ever NULL; a price position without a price is not one we issued.
                    return field == QuoteSortField.MarketCapUsd;
                }

                if (element.ValueKind == JsonValueKind.String
                    && decimal.TryParse(element.GetString(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    value = new QuoteSortValue(null, number, null);
                    return true;
                }

                return false;
        }
    }
}
