using Kasparro.Application.Metrics.GetEtlMetrics;

namespace Kasparro.Application.Metrics.Ports;

/// <summary>What <c>/metrics</c> shows of the ETL, in one statement; <see langword="null"/> when the database cannot be reached.</summary>
public interface IEtlMetricsReader
{
    Task<IReadOnlyList<SourceEtlMetrics>?> ReadAsync(CancellationToken cancellationToken);
}
