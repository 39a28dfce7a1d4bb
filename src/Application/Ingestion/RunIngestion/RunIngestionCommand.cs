using Kasparro.Application.Common.Behaviors;
using Kasparro.Domain.Ingestion;

namespace Kasparro.Application.Ingestion.RunIngestion;

/// <summary>
/// Runs the given sources, one run each (all enabled sources when <see cref="Sources"/> is empty). The CLI's
/// <c>ingest</c>, the scheduler and <c>POST /v1/runs</c> all send this.
/// </summary>
/// <param name="FailAfter">Failure injection: abort each run after committing this many records, as a crash would.</param>
public sealed record RunIngestionCommand(
    IReadOnlyList<string> Sources,
    RunTrigger Trigger,
    string? CsvPath = null,
    long? FailAfter = null) : IRequest<RunIngestionResult>, ILongRunningRequest;

/// <summary>The outcome of each source's run, in the order the sources were given.</summary>
public sealed record RunIngestionResult(IReadOnlyList<SourceRunResult> Runs)
{
    public bool AllSucceeded => Runs.Count > 0 && Runs.All(r => r.Status == SourceRunStatus.Succeeded);
}

/// <summary>One source's run. <see cref="RunId"/> is the running run's id when the source was busy.</summary>
public sealed record SourceRunResult(string Source, Guid? RunId, string Status, RunCounts Counts, long DurationMs, string? Error);

public static class SourceRunStatus
{
    public const string Succeeded = "succeeded";
    public const string Partial = "partial";
    public const string Failed = "failed";

    /// <summary>Another run of the source held its lock; nothing was done.</summary>
    public const string Busy = "busy";
}
