namespace Kasparro.Application.SchemaDrift;

/// <summary>
/// One row of <c>schema_drift_events</c>: in which source, run and stream an expected field went missing, which field
/// was observed instead (if any), how confident the fuzzy match was, and what the run did (the <c>action</c>).
/// </summary>
public sealed record SchemaDriftEventDto(
    long Id,
    string Source,
    Guid RunId,
    string Stream,
    string ExpectedField,
    string? ObservedField,
    decimal Confidence,
    string Action,
    string Message,
    DateTimeOffset DetectedAt);
