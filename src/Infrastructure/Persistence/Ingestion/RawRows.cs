using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Kasparro.Application.Ingestion.Ports;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary>
/// A batch's raw records, one per content (the first one read), and the 64-bit key each would be stored under
/// (<see cref="RawContentKey"/>).
/// </summary>
internal sealed class RawRows
{
    private readonly List<RawRecord> _records;

    private RawRows(List<RawRecord> records) => _records = records;

    public int Count => _records.Count;

    public static RawRows Distinct(IReadOnlyList<RawRecord> raw)
    {
        var seen = new HashSet<ReadOnlyMemory<byte>>(raw.Count, ContentHashComparer.Instance);
        var records = new List<RawRecord>(raw.Count);
        foreach (var record in raw)
        {
            if (seen.Add(record.Payload.ContentHash))
            {
                records.Add(record);
            }
        }

        return new RawRows(records);
    }

    public long[] Keys()
    {
        var keys = new List<long>(_records.Count);
        foreach (var record in _records)
        {
            if (RawContentKey.Of(record.Payload) is { } key)
            {
                keys.Add(key);
            }
        }

        return [.. keys];
    }

    public byte[][] Hashes()
    {
        var hashes = new byte[_records.Count][];
        for (var i = 0; i < hashes.Length; i++)
        {
            var hash = _records[i].Payload.ContentHash;
            hashes[i] = MemoryMarshal.TryGetArray(hash, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? segment.Array
                : hash.ToArray();
        }

        return hashes;
    }

    /// <summary>Every record with its own key, for a batch expected to hold no stored content.</summary>
    public List<(RawRecord Record, long? Key)> WithOwnKeys() => _records.ConvertAll(r => (r, RawContentKey.Of(r.Payload)));

    /// <summary>
    /// The records whose content is not stored yet, each with the key to store it under, or none when its key is held
    /// by other content (stored, or earlier in this batch): a 64-bit collision, kept unique by the full hash instead.
    /// </summary>
    public List<(RawRecord Record, long? Key)> Keep(IReadOnlyList<(long? Key, byte[] Hash)> stored)
    {
        var storedHashes = new HashSet<ReadOnlyMemory<byte>>(stored.Count, ContentHashComparer.Instance);
        var takenKeys = new HashSet<long>(_records.Count + stored.Count);
        foreach (var (key, hash) in stored)
        {
            storedHashes.Add(hash);
            if (key is { } taken)
            {
                takenKeys.Add(taken);
            }
        }

        var kept = new List<(RawRecord, long?)>(_records.Count);
        foreach (var record in _records)
        {
            if (storedHashes.Contains(record.Payload.ContentHash))
            {
                continue;
            }

            var key = RawContentKey.Of(record.Payload);
            kept.Add((record, key is { } k && takenKeys.Add(k) ? k : null));
        }

        return kept;
    }
}

/// <summary>Content hashes compared by their bytes.</summary>
internal sealed class ContentHashComparer : IEqualityComparer<ReadOnlyMemory<byte>>
{
    public static ContentHashComparer Instance { get; } = new();

    public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

    public int GetHashCode(ReadOnlyMemory<byte> obj) =>
        obj.Length >= sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(obj.Span) : HashCode.Combine(obj.Length, obj.Length > 0 ? obj.Span[0] : 0);
}
