using System.Globalization;
using System.Text.Json;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Quotes;

/// <summary>
/// The <c>cursor</c> of <c>GET /v1/data</c>, opened: the sort and the filters' fingerprint it was issued under (its
/// request's validator refuses it under others) and its position, the last row's sort value and key.
/// </summary>
public sealed record QuoteCursor(QuoteSort Sort, string Fingerprint, QuotePosition Position)
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

    /// <summary>Opens a cursor's text: its position is read by the sort it names. Absent text: no cursor.</summary>
    public static Parsed<QuoteCursor?> Parse(string? text) =>
        OpaqueCursor.Open(text, positionItems: 4, (scope, fingerprint, items) =>
        {
            if (!QuoteSort.Accepted.Contains(scope) || !QuoteSort.TryParse(scope, out var sort)
                || !TryReadValue(items[0], sort.Field, out var value)
                || items[1].ValueKind != JsonValueKind.String || items[1].GetString() is not { } source
                || items[2].ValueKind != JsonValueKind.String || items[2].GetString() is not { } sourceAssetId
                || !OpaqueCursor.TryReadTicks(items[3], out var observedAt))
            {
                return null;
            }

            return new QuoteCursor(sort, fingerprint, new QuotePosition(value, source, sourceAssetId, observedAt));
        });

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
