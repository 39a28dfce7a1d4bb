namespace Kasparro.Application.SchemaDrift;

/// <summary>
/// One row of <c>schema_drift_events</c>: in which source, run and stream an expected field went missing, which field
/// was observed instead (if any), how confident the fuzzy match was, and what the run did (the <c>action</c>).
/// Init-only members, so a database query projecting into it can still be filtered and ordered by them.
/// </summary>
public sealed record SchemaDriftEventDto
{
    public required long Id { get; init; }

    public required string Source { get; init; }

    public required Guid RunId { get; init; }

    public required string Stream { get; init; }

    public required string ExpectedField { get; init; }

    public required string? ObservedField { get; init; }

    public required decimal Confidence { get; init; }

    public required string Action { get; init; }

    public required string Message { get; init; }

    public required DateTimeOffset DetectedAt { get; init; }
}
