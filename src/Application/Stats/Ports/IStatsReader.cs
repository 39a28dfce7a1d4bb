using Kasparro.Application.Runs;

namespace Kasparro.Application.Stats.Ports;

/// <summary>Every source's run statistics in one statement over <c>etl_runs</c>.</summary>
public interface IStatsReader
{
    /// <summary>One row per source that has at least one run.</summary>
    Task<IReadOnlyList<SourceRunTotals>> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A source's totals over all its runs. <see cref="AverageDurationMs"/> is over finished runs (null when none);
/// <see cref="LastSuccessAt"/> / <see cref="LastFailureAt"/> are the finish times of the latest succeeded / failed run.
/// </summary>
public sealed record SourceRunTotals(
    string Source,
    long RunsTotal,
    long RunsSucceeded,
    long RunsPartial,
    long RunsFailed,
    long RunsRunning,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastFailureAt,
    long RecordsRead,
    long RecordsLoaded,
    long RecordsSkipped,
    long RecordsRejected,
    double? AverageDurationMs,
    RunDto LastRun);
