using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace Kasparro.Application.Quotes;

/// <summary>
/// The opaque <c>cursor</c> of <c>GET /v1/data</c>: base64url of a small JSON array holding a format version, the sort
/// and filter it was made under, and the last row's position. It is opaque to clients but not secret; a cursor that
/// does not decode, or that was made under another sort or other filters, is a 400, never a wrong page.
/// </summary>
public static class QuoteCursor
{
    private const int Version = 1;

    public static string Encode(QuoteSort sort, QuoteFilter filter, QuotePosition position)
    {
        ArgumentNullException.ThrowIfNull(sort);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(position);

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteNumberValue(Version);
            json.WriteStringValue(sort.ToString());
            json.WriteStringValue(filter.Fingerprint());
            WriteValue(json, sort.Field, position.Value);
            json.WriteStringValue(position.Source);
            json.WriteStringValue(position.SourceAssetId);
            json.WriteNumberValue(position.ObservedAt.UtcTicks);
            json.WriteEndArray();
        }

        return Base64Url.EncodeToString(buffer.ToArray());
    }

    /// <summary>The position, or an error saying why the cursor cannot be used with this sort and filter.</summary>
    public static bool TryDecode(string text, QuoteSort sort, QuoteFilter filter, out QuotePosition? position, out string? error)
    {
        ArgumentNullException.ThrowIfNull(sort);
        ArgumentNullException.ThrowIfNull(filter);
        position = null;
        error = "is not a cursor this API issued";
        if (string.IsNullOrWhiteSpace(text) || text.Length > 2048 || !Base64Url.IsValid(text))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(text));
            var items = document.RootElement;
            if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() != 7 || !items[0].TryGetInt32(out var version) || version != Version)
            {
                return false;
            }

            if (items[1].GetString() != sort.ToString())
            {
                error = $"was issued for sort '{items[1].GetString()}', not '{sort}'; start again without a cursor";
                return false;
            }

            if (items[2].GetString() != filter.Fingerprint())
            {
                error = "was issued for other filters; start again without a cursor";
                return false;
            }

            if (!TryReadValue(items[3], sort.Field, out var value)
                || items[4].GetString() is not { } source
                || items[5].GetString() is not { } sourceAssetId
                || !items[6].TryGetInt64(out var ticks)
                || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
            {
                return false;
            }

            position = new QuotePosition(value, source, sourceAssetId, new DateTimeOffset(ticks, TimeSpan.Zero));
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return false;
        }
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
                if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var ticks)
                    && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks)
                {
                    value = new QuoteSortValue(new DateTimeOffset(ticks, TimeSpan.Zero), null, null);
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
