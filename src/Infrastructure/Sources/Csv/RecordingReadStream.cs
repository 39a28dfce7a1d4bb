namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>
/// A forward-only view of a file stream that hands every byte it reads to the <see cref="CsvFingerprinter"/>, so
/// checkpoints fingerprint exactly the bytes the CSV reader parsed, read once, and counts them: the end of the
/// input is known to the byte (the reader itself reports the end one past the input when there is no final newline).
/// After each read it tells <paramref name="bytesRead"/> the count so far (the CSV reader reads in large blocks, so
/// this is the read progress at no cost per row).
/// </summary>
internal sealed class RecordingReadStream(Stream inner, CsvFingerprinter fingerprinter, Action<long> bytesRead) : Stream
{
    /// <summary>Bytes read through this stream so far.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Record(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Record(buffer.Span[..read]);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Record(ReadOnlySpan<byte> read)
    {
        fingerprinter.Append(read);
        BytesRead += read.Length;
        bytesRead(BytesRead);
    }
}
