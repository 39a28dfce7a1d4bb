using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Kasparro.Application.Common.Queries;

/// <summary>
/// The envelope every keyset <c>cursor</c> of the API shares: base64url of a JSON array
/// <c>[version, scope, fingerprint, position...]</c>. The scope (a sort, a list) and the fingerprint (of the filters)
/// bind a cursor to the request that issued it; the position items are the caller's. Opaque to clients, not secret:
/// anything that does not open is a 400 with a reason, never a wrong page or an exception.
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
    /// Opens a cursor issued under <paramref name="scope"/> and <paramref name="fingerprint"/> whose position has
    /// <paramref name="positionItems"/> items, and hands them to <paramref name="readPosition"/> (false: not ours).
    /// </summary>
    /// <param name="scopeMismatch">The error for a cursor of another scope, given the scope it was issued under; null: <see cref="NotIssued"/>.</param>
    public static bool TryOpen(
        string? text,
        string scope,
        string fingerprint,
        int positionItems,
        Func<string?, string>? scopeMismatch,
        string fingerprintMismatch,
        Func<IReadOnlyList<JsonElement>, bool> readPosition,
        out string error)
    {
        ArgumentNullException.ThrowIfNull(readPosition);
        error = NotIssued;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength || !Base64Url.IsValid(text))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(text));
            var items = document.RootElement;
            if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() != 3 + positionItems
                || items[0].ValueKind != JsonValueKind.Number || !items[0].TryGetInt32(out var version) || version != Version
                || items[1].ValueKind != JsonValueKind.String || items[2].ValueKind != JsonValueKind.String)
            {
                return false;
            }

            if (items[1].GetString() != scope)
            {
                error = scopeMismatch?.Invoke(items[1].GetString()) ?? NotIssued;
                return false;
            }

            if (items[2].GetString() != fingerprint)
            {
                error = fingerprintMismatch;
                return false;
            }

            if (!readPosition(items.EnumerateArray().Skip(3).ToList()))
            {
                return false;
            }

            error = string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return false;
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
