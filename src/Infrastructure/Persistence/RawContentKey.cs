using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Kasparro.Application.Ingestion.Ports;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// The 64-bit key a raw row is stored under (its table's UNIQUE index finds identical content by it; a key held by
/// other content is a collision, stored without a key and found by its full hash, migration 0005). Two schemes, both
/// functions of the content alone, and both computed by SQL's <c>raw_content_key(stated, content_hash)</c> (migration
/// 0009) for stored rows:
/// <list type="bullet">
/// <item>Content that states its time (<see cref="RawPayload.StatedAt"/>, read by <see cref="StatedAt"/>) and is
/// stored as JSON: the minute it states since 2000-01-01 UTC (26 bits, to 2127) above the hash's first 37 bits. A
/// run's new rows then go to the index's right edge, side by side, instead of one random page each.</item>
/// <item>Anything else: the hash's first 8 bytes, big-endian (migration 0005's key).</item>
/// </list>
/// A hash shorter than 8 bytes has no key.
/// </summary>
internal static partial class RawContentKey
{
    private const int MinuteBits = 26;
    private const int HashBits = 64 - 1 - MinuteBits;
    private static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static long? Of(RawPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var hash = payload.ContentHash.Span;
        if (hash.Length < sizeof(long))
        {
            return null;
        }

        if (payload is { Json: not null, StatedAt: { } at } && MinuteOf(at) is { } minute)
        {
            return (minute << HashBits) | (long)(BinaryPrimitives.ReadUInt64BigEndian(hash) >> (64 - HashBits));
        }

        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <summary>
    /// The time a timestamp text states, by the rule <c>raw_content_key</c> applies to <c>payload->>'last_updated'</c>:
    /// exactly <c>YYYY-MM-DDTHH:MM:SS</c>, optional fractions, <c>Z</c>, a real calendar date; read to the second.
    /// </summary>
    public static DateTimeOffset? StatedAt(string? text) =>
        text is not null && StatedPattern().IsMatch(text)
        && DateTimeOffset.TryParseExact(
            text.AsSpan(0, 19), "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;

    private static long? MinuteOf(DateTimeOffset at)
    {
        var ticks = (at - Epoch).Ticks;
        var minute = ticks / TimeSpan.TicksPerMinute;
        return ticks >= 0 && minute < 1L << MinuteBits ? minute : null;
    }

    // ASCII digits only (\d would take any Unicode digit), and \z: $ would also match before a final newline.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?Z\z", RegexOptions.CultureInvariant)]
    private static partial Regex StatedPattern();
}
