using Kasparro.Domain.Ingestion;

namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>How a file is read this run, decided from its stored checkpoint and its bytes.</summary>
internal enum CsvReadMode
{
    /// <summary>No checkpoint, or one at byte 0: read from the start in the stored generation (0 for a new file).</summary>
    FromStart,

    /// <summary>Same length and fingerprint as at the checkpoint: not parsed at all.</summary>
    Unchanged,

    /// <summary>Longer, with the fingerprint unchanged up to the checkpoint: only the rows after it are read.</summary>
    Appended,

    /// <summary>Anything else (shorter, edited, unreadable state): read again from the start as a new generation.</summary>
    Rewritten,
}

/// <summary>
/// The decision for one file. Unchanged: the length equals the stored offset and the head and anchor hashes
/// recomputed from the file at that offset match. Appended: the file is longer, the hashes match, the stored
/// offset ends a line (or the new bytes start with the line break the last row lacked: otherwise the last row was
/// extended) and no byte order mark starts the new bytes. Rewritten: anything else, with the generation moved on, so
/// the new checkpoints are after the old ones although their offsets start again at 0.
/// </summary>
internal sealed class CsvReadPlan : IDisposable
{
    private CsvReadPlan(CsvReadMode mode, long generation, CsvFingerprinter? fingerprinter, Checkpoint? stored, CsvFileState? state, string reason)
    {
        Mode = mode;
        Generation = generation;
        Fingerprinter = fingerprinter;
        Stored = stored;
        State = state;
        Reason = reason;
    }

    public CsvReadMode Mode { get; }

    public long Generation { get; }

    /// <summary>The fingerprint at the stored offset, ready to go on (unchanged and appended files only).</summary>
    public CsvFingerprinter? Fingerprinter { get; private set; }

    public Checkpoint? Stored { get; }

    public CsvFileState? State { get; }

    /// <summary>Why the file is read this way, for the log.</summary>
    public string Reason { get; }

    public static async Task<CsvReadPlan> DecideAsync(FileStream file, Checkpoint? stored, long length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (stored is null)
        {
            return new CsvReadPlan(CsvReadMode.FromStart, 0, null, null, null, "new file");
        }

        var state = CsvFileState.Parse(stored.State);
        if (state is null)
        {
            return Rewritten(stored, "its checkpoint holds no fingerprint this version can read");
        }

        if (length < stored.Position)
        {
            return Rewritten(stored, $"it is shorter ({length} bytes) than its checkpoint ({stored.Position} bytes)");
        }

        var fingerprinter = await CsvFingerprinter.AtAsync(file.SafeFileHandle, stored.Position, state.Lines, cancellationToken);
        var plan = await DecideAsync(file, stored, state, fingerprinter, length, cancellationToken);
        if (plan.Fingerprinter is null)
        {
            fingerprinter.Dispose();
        }

        return plan;
    }

    public static CsvReadPlan Rewritten(Checkpoint stored, string reason)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new CsvReadPlan(CsvReadMode.Rewritten, stored.Generation + 1, null, stored, null, $"rewritten: {reason}");
    }

    /// <summary>Hands the fingerprinter over to the reader, which disposes it.</summary>
    public CsvFingerprinter TakeFingerprinter()
    {
        var fingerprinter = Fingerprinter ?? throw new InvalidOperationException("only an appended or unchanged file has a fingerprint to go on from");
        Fingerprinter = null;
        return fingerprinter;
    }

    public void Dispose() => Fingerprinter?.Dispose();

    private static async Task<CsvReadPlan> DecideAsync(
        FileStream file, Checkpoint stored, CsvFileState state, CsvFingerprinter fingerprinter, long length, CancellationToken cancellationToken)
    {
        if (!state.HasFingerprint(fingerprinter))
        {
            return Rewritten(stored, $"its bytes before offset {stored.Position} changed");
        }

        if (length == stored.Position)
        {
            return new CsvReadPlan(CsvReadMode.Unchanged, stored.Generation, fingerprinter, stored, state, "unchanged");
        }

        if (stored.Position == 0)
        {
            return new CsvReadPlan(CsvReadMode.FromStart, stored.Generation, null, stored, state, "grew from empty");
        }

        var next = new byte[4];
        var read = await RandomAccess.ReadAsync(file.SafeFileHandle, next, stored.Position, cancellationToken);
        var added = next.AsSpan(0, read);
        if (!fingerprinter.EndsWithLineBreak && added[0] is not ((byte)'\r' or (byte)'\n'))
        {
            return Rewritten(stored, "its last row, which had no line break, was extended");
        }

        if (CsvEncoding.StartsWithByteOrderMark(added))
        {
            return Rewritten(stored, "the appended bytes start with a byte order mark");
        }

        return new CsvReadPlan(CsvReadMode.Appended, stored.Generation, fingerprinter, stored, state, $"appended after byte {stored.Position}");
    }
}
