using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Kasparro.Application.Common.Queries;

/// <summary>
/// The envelope every keyset <c>cursor</c> of the API shares: base64url of a JSON array
/// <c>[version, scope, fingerprint, position...]</c>. The scope (a sort, a list) and the fingerprint (of the filters)
/// bind a cursor to the request that issued it (the request's validator compares them with its own); the position items
/// are the caller's. Opaque to clients, not secret: anything that does not open is a 400 with a reason, never a wrong
/// page or an exception.
/// </summary>
public static class OpaqueCursor
{
    public const string NotIssued = "is not a cursor this API issued";
    private const int Version = 1;
    private const int MaxLength = 2048;

    /// <summary>A short stable digest of a filter's canonical text (12 hex characters of its SHA-256).</summary>
    public static string Fingerprint(string canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)).AsSpan(0, 6));
    }

    public static string Encode(string scope, string fingerprint, Action<Utf8JsonWriter> writePosition)
    {
        ArgumentNullException.ThrowIfNull(writePosition);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteNumberValue(Version);
            json.WriteStringValue(scope);
            json.WriteStringValue(fingerprint);
            writePosition(json);
            json.WriteEndArray();
        }

        return Base64Url.EncodeToString(buffer.ToArray());
    }

    /// <summary>
    /// Opens a cursor whose position has <paramref name="positionItems"/> items and hands its scope, fingerprint and
    /// position items to <paramref name="read"/> (null: not a position of ours). Absent text is an absent cursor.
    /// </summary>
    public static Parsed<TCursor?> Open<TCursor>(
        string? text, int positionItems, Func<string, string, IReadOnlyList<JsonElement>, TCursor?> read)
        where TCursor : class
    {
        ArgumentNullException.ThrowIfNull(read);
        if (text is null)
        {
            return Parsed.Absent<TCursor?>(null);
        }

        var notIssued = Parsed.Invalid<TCursor?>(null, NotIssued);
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength || !Base64Url.IsValid(text))
        {
            return notIssued;
        }

        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(text));
            var items = document.RootElement;
            if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() != 3 + positionItems
                || items[0].ValueKind != JsonValueKind.Number || !items[0].TryGetInt32(out var version) || version != Version
                || items[1].ValueKind != JsonValueKind.String || items[2].ValueKind != JsonValueKind.String)
            {
                return notIssued;
            }

            var cursor = read(items[1].GetString()!, items[2].GetString()!, items.EnumerateArray().Skip(3).ToList());
            return cursor is null ? notIssued : Parsed.Valid<TCursor?>(cursor);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return notIssued;
        }
    }

    /// <summary>A UTC timestamp carried as ticks, within <see cref="DateTimeOffset"/>'s range.</summary>
    public static bool TryReadTicks(JsonElement element, out DateTimeOffset value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        value = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}
