using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Common.Queries;
using Kasparro.Application.Runs.Ports;

namespace Kasparro.Application.Runs.CompareRuns;

/// <summary>
/// <c>GET /v1/runs/compare?a=ID&amp;b=ID</c>: two runs side by side and what changed from <c>a</c> to <c>b</c>. Both ids are
/// required UUIDs (400 otherwise); an id naming no run is a 404. Comparing a run with itself is allowed (no changes).
/// </summary>
public sealed record CompareRunsQuery(Parsed<Guid> A, Parsed<Guid> B) : IRequest<RunComparison>
{
    public static CompareRunsQuery Parse(string? a, string? b) => new(RunId(a), RunId(b));

    private static Parsed<Guid> RunId(string? text) =>
        string.IsNullOrWhiteSpace(text) ? Parsed.Invalid(Guid.Empty, "is required: the id of a run to compare")
        : QueryText.TryParseGuid(text, out var id) ? Parsed.Valid(id)
        : Parsed.Invalid(Guid.Empty, "must be a run id (a UUID)");
}

public sealed record RunComparison(RunDto A, RunDto B, RunDifferences Differences);

/// <summary>
/// Every difference reads from <c>a</c> to <c>b</c>: deltas are <c>b - a</c>, ratios <c>b / a</c>, and
/// <see cref="StartedApartSeconds"/> is how long after <c>a</c> started <c>b</c> did (negative when it started before).
/// </summary>
public sealed record RunDifferences(
    bool SameSource,
    ValueChange Status,
    ValueChange Trigger,
    double StartedApartSeconds,
    CountDifference DurationMs,
    CountDifference Read,
    CountDifference Loaded,
    CountDifference Skipped,
    CountDifference Rejected);

public sealed record ValueChange(string A, string B, bool Changed);

/// <summary>
/// One measure of both runs. <see cref="Delta"/> is <c>b - a</c> and <see cref="Ratio"/> is <c>b / a</c> rounded to 4
/// decimals; each is null when a value is missing (the duration of a run still running), and the ratio also when a is 0.
/// </summary>
public sealed record CountDifference(long? A, long? B, long? Delta, double? Ratio)
{
    public static CountDifference Of(long? a, long? b) =>
        new(a, b, a is { } x && b is { } y ? y - x : null, a is { } d && d != 0 && b is { } n ? Math.Round((double)n / d, 4) : null);
}

public sealed class CompareRunsHandler(IRunReader reader) : IRequestHandler<CompareRunsQuery, RunComparison>
{
    public async Task<RunComparison> Handle(CompareRunsQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (aId, bId) = (request.A.Value, request.B.Value);
        var found = await reader.FindAsync(aId == bId ? [aId] : [aId, bId], cancellationToken);
        var a = found.FirstOrDefault(r => r.Id == aId);
        var b = found.FirstOrDefault(r => r.Id == bId);
        if (a is null && b is null && aId != bId)
        {
            throw new NotFoundException($"Neither run '{aId}' nor run '{bId}' exists.");
        }

        if (a is null || b is null)
        {
            throw new NotFoundException("run", a is null ? aId : bId);
        }

        return new RunComparison(a, b, Compare(a, b));
    }

    public static RunDifferences Compare(RunDto a, RunDto b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new RunDifferences(
            string.Equals(a.Source, b.Source, StringComparison.Ordinal),
            new ValueChange(a.Status, b.Status, !string.Equals(a.Status, b.Status, StringComparison.Ordinal)),
            new ValueChange(a.Trigger, b.Trigger, !string.Equals(a.Trigger, b.Trigger, StringComparison.Ordinal)),
            Math.Round((b.StartedAt - a.StartedAt).TotalSeconds, 3),
            CountDifference.Of(a.DurationMs, b.DurationMs),
            CountDifference.Of(a.Read, b.Read),
            CountDifference.Of(a.Loaded, b.Loaded),
            CountDifference.Of(a.Skipped, b.Skipped),
            CountDifference.Of(a.Rejected, b.Rejected));
    }
}
