using Kasparro.Domain.Ingestion;

namespace Kasparro.Application.Ingestion.Ports;

/// <summary>
/// A source of market records (the CSV files, an API). It streams what it reads, tells which checkpoint each record
/// completes, and skips what its checkpoints say is unchanged. Infrastructure implements one per source.
/// </summary>
public interface IIngestionSource
{
    /// <summary>The source's stored name, one of <see cref="Kasparro.Domain.Markets.SourceNames"/>.</summary>
    string Name { get; }

    /// <summary>
    /// The most records the source wants in one batch, when fewer than the configured batch size suit it: an API
    /// listing arrives all at once, and smaller batches let its first records be written while the rest are parsed.
    /// </summary>
    int? PreferredBatchSize => null;

    IAsyncEnumerable<SourceItem> ReadAsync(SourceReadContext context, CancellationToken cancellationToken);
}

/// <summary>
/// What a source needs to read incrementally: the run, the committed checkpoints per stream, overrides, and where to
/// report how far it has read.
/// </summary>
public sealed record SourceReadContext(Guid RunId, IReadOnlyDictionary<string, Checkpoint> Checkpoints, SourceOverrides Overrides)
{
    public IIngestionProgress Progress { get; init; } = NoIngestionProgress.Instance;

    /// <summary>Reports this run's reading progress: <paramref name="done"/> of <paramref name="total"/> in <paramref name="unit"/>.</summary>
    public void ReportRead(string source, long done, long? total, ProgressUnit unit) => Progress.Advanced(source, RunId, done, total, unit);
}

/// <summary>Per-run overrides of configured settings (the CLI's <c>--csv PATH</c>).</summary>
public sealed record SourceOverrides(string? CsvPath = null)
{
    public static SourceOverrides None { get; } = new();
}
