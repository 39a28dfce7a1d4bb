using Kasparro.Application.Metrics.Ports;

namespace Kasparro.Application.Metrics.GetEtlMetrics;

/// <summary>
/// The ETL and database part of <c>/metrics</c>. Never fails for an outage: <see cref="EtlMetrics.DatabaseUp"/> is then
/// false and there are no sources, so the scrape still answers and says <c>db_up 0</c>.
/// </summary>
public sealed record GetEtlMetricsQuery : IRequest<EtlMetrics>;

public sealed record EtlMetrics(bool DatabaseUp, IReadOnlyList<SourceEtlMetrics> Sources);

/// <summary>
/// A source's record totals over all its runs, its runs by status, and its last finished run (status and duration;
/// null when no run has finished yet) and last success.
/// </summary>
public sealed record SourceEtlMetrics(
    string Source,
    long RecordsRead,
    long RecordsLoaded,
    long RecordsSkipped,
    long RecordsRejected,
    IReadOnlyDictionary<string, long> RunsByStatus,
    string? LastFinishedStatus,
    long? LastFinishedDurationMs,
    DateTimeOffset? LastSuccessAt);

public sealed class GetEtlMetricsHandler(IEtlMetricsReader reader) : IRequestHandler<GetEtlMetricsQuery, EtlMetrics>
{
    public async Task<EtlMetrics> Handle(GetEtlMetricsQuery request, CancellationToken cancellationToken)
    {
        var sources = await reader.ReadAsync(cancellationToken);
        return sources is null ? new EtlMetrics(false, []) : new EtlMetrics(true, sources);
    }
}
