namespace Kasparro.Application.Runs;

/// <summary>
/// One row of <c>etl_runs</c> as the API shows it. <see cref="DurationMs"/> and <see cref="FinishedAt"/> are null while
/// the run is still running; the counts are what it has committed so far.
/// </summary>
public sealed record RunDto(
    Guid Id,
    string Source,
    string Trigger,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    long? DurationMs,
    long Read,
    long Loaded,
    long Skipped,
    long Rejected,
    string? Error);
