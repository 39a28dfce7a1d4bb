namespace Kasparro.Application.Runs;

/// <summary>
/// One row of <c>etl_runs</c> as the API shows it. <see cref="DurationMs"/> and <see cref="FinishedAt"/> are null while
/// the run is still running; the counts are what it has committed so far. Init-only members, so a database query
/// projecting into it can still be filtered and ordered by them.
/// </summary>
public sealed record RunDto
{
    public required Guid Id { get; init; }

    public required string Source { get; init; }

    public required string Trigger { get; init; }

    public required string Status { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset? FinishedAt { get; init; }

    public required long? DurationMs { get; init; }

    public required long Read { get; init; }

    public required long Loaded { get; init; }

    public required long Skipped { get; init; }

    public required long Rejected { get; init; }

    public required string? Error { get; init; }
}
