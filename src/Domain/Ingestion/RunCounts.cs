namespace Kasparro.Domain.Ingestion;

/// <summary>
/// What a run did with the records it read. Every record read is exactly one of loaded (a quote inserted or changed),
/// skipped (nothing new: unchanged since the checkpoint, or already stored as it is) or rejected.
/// </summary>
public readonly record struct RunCounts(long Read, long Loaded, long Skipped, long Rejected)
{
    public static RunCounts Zero => default;

    public bool IsBalanced => Read == Loaded + Skipped + Rejected;

    public static RunCounts operator +(RunCounts a, RunCounts b) =>
        new(a.Read + b.Read, a.Loaded + b.Loaded, a.Skipped + b.Skipped, a.Rejected + b.Rejected);
}
