using Kasparro.Domain.Common;

namespace Kasparro.Domain.Ingestion;

/// <summary>
/// How far a source's stream (a CSV file, an API listing) has been committed. Ordered by
/// (<see cref="Generation"/>, <see cref="Position"/>): a rewritten file starts a new generation at position 0, so a
/// checkpoint only ever moves forward. <see cref="State"/> is the source's own opaque JSON (fingerprints, cursors).
/// </summary>
public sealed record Checkpoint(string Source, string Stream, long Generation, long Position, long Rows, string State)
{
    public bool IsAfter(Checkpoint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Generation > other.Generation || (Generation == other.Generation && Position > other.Position);
    }

    /// <summary>Moves to <paramref name="next"/>; moving backwards is a programming error.</summary>
    public Checkpoint Advance(Checkpoint next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (next.Source != Source || next.Stream != Stream)
        {
            throw new DomainRuleException("a checkpoint advances within its own source and stream");
        }

        if (IsAfter(next))
        {
            throw new DomainRuleException($"checkpoint {Source}/{Stream} cannot move back from ({Generation}, {Position}) to ({next.Generation}, {next.Position})");
        }

        return next;
    }
}
