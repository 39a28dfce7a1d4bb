using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>
/// Fingerprints a file up to a byte offset, for the checkpoint after every row, from the very bytes the CSV reader
/// consumed (they are handed over by <see cref="RecordingReadStream"/>):
/// <list type="bullet">
/// <item>the head: SHA-256 of the first min(offset, 64 KiB) bytes. An incremental hash is fed row by row and
/// finalised once at 64 KiB, so past the head the value is a constant;</item>
/// <item>the anchor: SHA-256 of the window of 2–4 KiB that ends at the offset and starts on a 2 KiB boundary
/// (the whole prefix while the offset is under 2 KiB). Two incremental hashes run staggered by one 2 KiB block,
/// so every byte is hashed twice and each row costs one hash finalisation, not a re-hash of 4 KiB;</item>
/// <item>the line count up to the offset (CR, LF and CR LF each end one line), for the rows' line numbers.</item>
/// </list>
/// A later run recomputes both hashes at the stored offset from the file (at most 64 + 4 KiB read) to tell an
/// unchanged file from an appended or a rewritten one.
/// </summary>
internal sealed class CsvFingerprinter : IDisposable
{
    public const int HeadSize = 64 * 1024;
    public const int AnchorBlock = 2 * 1024;

    private IncrementalHash? head;
    private string? finalHeadHash;
    private IncrementalHash young;
    private IncrementalHash? old;
    private long youngStart;
    private bool lastWasCarriageReturn;
    private byte lastByte;

    // Bytes read from the file but not yet fingerprinted: file offsets [Position, Position + pendingCount).
    private byte[] pending = [];
    private int pendingStart;
    private int pendingCount;

    private CsvFingerprinter(long position, long lines)
    {
        Position = position;
        Lines = lines;
        young = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }

    /// <summary>How far the file has been fingerprinted.</summary>
    public long Position { get; private set; }

    /// <summary>Line breaks before <see cref="Position"/>: the next row starts on line <c>Lines + 1</c>.</summary>
    public long Lines { get; private set; }

    public long HeadLength => Math.Min(Position, HeadSize);

    public long AnchorStart => old is null ? youngStart : youngStart - AnchorBlock;

    /// <summary>Whether the byte before <see cref="Position"/> ends a line (or nothing precedes it).</summary>
    public bool EndsWithLineBreak => Position == 0 || lastByte is (byte)'\n' or (byte)'\r';

    public string HeadHash => finalHeadHash ?? Hex(head!);

    public string AnchorHash => Hex(old ?? young);

    public static CsvFingerprinter AtStart()
    {
        var fingerprinter = new CsvFingerprinter(0, 0);
        fingerprinter.head = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        return fingerprinter;
    }

    /// <summary>The fingerprint of a file at <paramref name="offset"/>, read from the file, ready to go on from there.</summary>
    public static async Task<CsvFingerprinter> AtAsync(SafeFileHandle file, long offset, long lines, CancellationToken cancellationToken)
    {
        var fingerprinter = new CsvFingerprinter(offset, lines);
        try
        {
            var headBytes = await ReadExactlyAsync(file, 0, (int)Math.Min(offset, HeadSize), cancellationToken);
            if (offset >= HeadSize)
            {
                fingerprinter.finalHeadHash = Convert.ToHexStringLower(SHA256.HashData(headBytes));
            }
            else
            {
                fingerprinter.head = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                fingerprinter.head.AppendData(headBytes);
            }

            fingerprinter.youngStart = offset == 0 ? 0 : (offset - 1) / AnchorBlock * AnchorBlock;
            var anchorStart = Math.Max(0, fingerprinter.youngStart - AnchorBlock);
            var window = await ReadExactlyAsync(file, anchorStart, (int)(offset - anchorStart), cancellationToken);
            fingerprinter.young.AppendData(window.AsSpan((int)(fingerprinter.youngStart - anchorStart)));
            if (fingerprinter.youngStart > 0)
            {
                fingerprinter.old = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                fingerprinter.old.AppendData(window);
            }

            if (window.Length > 0)
            {
                fingerprinter.lastByte = window[^1];
                fingerprinter.lastWasCarriageReturn = fingerprinter.lastByte == (byte)'\r';
            }

            return fingerprinter;
        }
        catch
        {
            fingerprinter.Dispose();
            throw;
        }
    }

    /// <summary>Takes bytes just read from the file, in order, to fingerprint once a row ending in them is reached.</summary>
    public void Append(ReadOnlySpan<byte> read)
    {
        if (pendingStart + pendingCount + read.Length > pending.Length)
        {
            if (pendingCount + read.Length > pending.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(pending.Length * 2, pendingCount + read.Length));
                pending.AsSpan(pendingStart, pendingCount).CopyTo(larger);
                ReturnPending();
                pending = larger;
            }
            else
            {
                pending.AsSpan(pendingStart, pendingCount).CopyTo(pending);
            }

            pendingStart = 0;
        }

        read.CopyTo(pending.AsSpan(pendingStart + pendingCount));
        pendingCount += read.Length;
    }

    /// <summary>Fingerprints the read bytes up to <paramref name="offset"/>.</summary>
    public void AdvanceTo(long offset)
    {
        if (offset < Position || offset > Position + pendingCount)
        {
            throw new InvalidOperationException($"cannot fingerprint up to byte {offset}: bytes {Position} to {Position + pendingCount} are available");
        }

        while (Position < offset)
        {
            if (Position == youngStart + AnchorBlock)
            {
                old?.Dispose();
                old = young;
                young = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                youngStart = Position;
            }

            var end = Math.Min(offset, youngStart + AnchorBlock);
            var chunk = pending.AsSpan(pendingStart, (int)(end - Position));
            if (head is not null)
            {
                FeedHead(chunk);
            }

            young.AppendData(chunk);
            old?.AppendData(chunk);
            CountLines(chunk);
            lastByte = chunk[^1];
            pendingStart += chunk.Length;
            pendingCount -= chunk.Length;
            Position = end;
        }
    }

    public void Dispose()
    {
        head?.Dispose();
        young.Dispose();
        old?.Dispose();
        ReturnPending();
        pending = [];
    }

    private void ReturnPending()
    {
        if (pending.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(pending);
        }
    }

    private void FeedHead(ReadOnlySpan<byte> chunk)
    {
        var room = (int)Math.Min(chunk.Length, HeadSize - Position);
        head!.AppendData(chunk[..room]);
        if (Position + room == HeadSize)
        {
            finalHeadHash = Convert.ToHexStringLower(head.GetHashAndReset());
            head.Dispose();
            head = null;
        }
    }

    private void CountLines(ReadOnlySpan<byte> chunk)
    {
        var breaks = chunk.Count((byte)'\n');
        var returns = chunk.Count((byte)'\r');
        if (returns > 0 || lastWasCarriageReturn)
        {
            breaks += returns;
            if (lastWasCarriageReturn && chunk[0] == (byte)'\n')
            {
                breaks--;
            }

            breaks -= chunk.Count("\r\n"u8);
        }

        Lines += breaks;
        lastWasCarriageReturn = chunk[^1] == (byte)'\r';
    }

    private static string Hex(IncrementalHash hash)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        hash.GetCurrentHash(digest);
        return Convert.ToHexStringLower(digest);
    }

    private static async Task<byte[]> ReadExactlyAsync(SafeFileHandle file, long offset, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await RandomAccess.ReadAsync(file, buffer.AsMemory(filled), offset + filled, cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException($"the file ended at byte {offset + filled}, before byte {offset + count}");
            }

            filled += read;
        }

        return buffer;
    }
}
