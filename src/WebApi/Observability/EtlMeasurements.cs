using System.Diagnostics.Metrics;
using Kasparro.Application.Metrics.GetEtlMetrics;
using Kasparro.Domain.Ingestion;

namespace Kasparro.WebApi.Observability;

/// <summary>
/// What each ETL instrument observes in one reading of <c>etl_runs</c>: one measurement per source (and outcome or
/// status). A reading taken while the database was down has no sources, so the series are absent, never stale.
/// </summary>
public static class EtlMeasurements
{
    public static IEnumerable<Measurement<int>> LastRunSuccess(EtlMetrics etl)
    {
        ArgumentNullException.ThrowIfNull(etl);
        return etl.Sources
            .Where(s => s.LastFinishedStatus is not null)
            .Select(s => new Measurement<int>(s.LastFinishedStatus == RunStatus.Succeeded.ToText() ? 1 : 0, Source(s)));
    }

    /// <summary>The last finished run's duration in seconds.</summary>
    public static IEnumerable<Measurement<double>> LastRunDuration(EtlMetrics etl)
    {
        ArgumentNullException.ThrowIfNull(etl);
        return etl.Sources
            .Where(s => s.LastFinishedDurationMs is not null)
            .Select(s => new Measurement<double>(s.LastFinishedDurationMs!.Value / 1000d, Source(s)));
    }

    /// <summary>When the last successful run finished, in Unix seconds.</summary>
    public static IEnumerable<Measurement<double>> LastSuccessTime(EtlMetrics etl)
    {
        ArgumentNullException.ThrowIfNull(etl);
        return etl.Sources
            .Where(s => s.LastSuccessAt is not null)
            .Select(s => new Measurement<double>(s.LastSuccessAt!.Value.ToUnixTimeMilliseconds() / 1000d, Source(s)));
    }

    /// <summary>Records over all runs of each source, by outcome: read, loaded, skipped, rejected.</summary>
    public static IEnumerable<Measurement<long>> Records(EtlMetrics etl)
    {
        ArgumentNullException.ThrowIfNull(etl);
        return etl.Sources.SelectMany(s => new[]
        {
            new Measurement<long>(s.RecordsRead, Source(s), Outcome("read")),
            new Measurement<long>(s.RecordsLoaded, Source(s), Outcome("loaded")),
            new Measurement<long>(s.RecordsSkipped, Source(s), Outcome("skipped")),
            new Measurement<long>(s.RecordsRejected, Source(s), Outcome("rejected")),
        });
    }

    /// <summary>Runs of each source by status, in status order so that the exposition is stable.</summary>
    public static IEnumerable<Measurement<long>> Runs(EtlMetrics etl)
    {
        ArgumentNullException.ThrowIfNull(etl);
        return etl.Sources.SelectMany(s => s.RunsByStatus
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new Measurement<long>(p.Value, Source(s), new KeyValuePair<string, object?>("status", p.Key))));
    }

    private static KeyValuePair<string, object?> Source(SourceEtlMetrics source) => new("source", source.Source);

    private static KeyValuePair<string, object?> Outcome(string outcome) => new("outcome", outcome);
}
