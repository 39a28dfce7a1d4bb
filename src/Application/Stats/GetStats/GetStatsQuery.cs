using Kasparro.Application.Runs;
using Kasparro.Application.Stats.Ports;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Stats.GetStats;

/// <summary><c>GET /v1/stats</c>: per source, how its runs went, what they loaded, and how fresh its data is.</summary>
public sealed record GetStatsQuery : IRequest<StatsReport>;

/// <summary>Every known source (zeros when it never ran) and any other source found in <c>etl_runs</c>, by name.</summary>
public sealed record StatsReport(DateTimeOffset GeneratedAt, IReadOnlyDictionary<string, SourceStats> Sources);

/// <summary>
/// One source. <see cref="FreshnessSeconds"/> is the time from its last successful run's finish to now (null when it
/// never succeeded); <see cref="LastRun"/> is its latest run by start time, whatever its status.
/// </summary>
public sealed record SourceStats(
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
    RunDto? LastRun,
    long? FreshnessSeconds);

public sealed class GetStatsHandler(IStatsReader reader, TimeProvider time) : IRequestHandler<GetStatsQuery, StatsReport>
{
    public async Task<StatsReport> Handle(GetStatsQuery request, CancellationToken cancellationToken)
    {
        var rows = await reader.ReadAsync(cancellationToken);
        var now = time.GetUtcNow();
        var sources = new SortedDictionary<string, SourceStats>(StringComparer.Ordinal);
        foreach (var name in SourceNames.All)
        {
            sources[name] = new SourceStats(0, 0, 0, 0, 0, null, null, 0, 0, 0, 0, null, null, null);
        }

        foreach (var r in rows)
        {
            sources[r.Source] = new SourceStats(
                r.RunsTotal, r.RunsSucceeded, r.RunsPartial, r.RunsFailed, r.RunsRunning, r.LastSuccessAt, r.LastFailureAt,
                r.RecordsRead, r.RecordsLoaded, r.RecordsSkipped, r.RecordsRejected, r.AverageDurationMs, r.LastRun,
                r.LastSuccessAt is { } success ? (long)Math.Max(0, Math.Floor((now - success).TotalSeconds)) : null);
        }

        return new StatsReport(now, sources);
    }
}
