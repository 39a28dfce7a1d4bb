using System.Data.Common;
using Kasparro.Application.Metrics.GetEtlMetrics;
using Kasparro.Application.Metrics.Ports;
using Kasparro.Infrastructure.Queries.Runs;
using Npgsql;

namespace Kasparro.Infrastructure.Queries.Metrics;

/// <summary>
/// The ETL series of <c>/metrics</c> in one statement. A database that does not answer within <see cref="Timeout"/>
/// counts as down (<see langword="null"/>), so a scrape answers quickly either way and never fails for an outage.
/// An aggregation (<c>FILTER</c> per status, <c>DISTINCT ON</c> for the last finished run), so it stays SQL on Npgsql.
/// </summary>
public sealed class PostgresEtlMetricsReader(NpgsqlDataSource dataSource) : IEtlMetricsReader
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private const string Sql = """
        WITH totals AS (
            SELECT source,
                   sum(read_count)::bigint AS records_read,
                   sum(loaded_count)::bigint AS records_loaded,
                   sum(skipped_count)::bigint AS records_skipped,
                   sum(rejected_count)::bigint AS records_rejected,
                   count(*) FILTER (WHERE status = 'running') AS running,
                   count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
                   count(*) FILTER (WHERE status = 'partial') AS partial,
                   count(*) FILTER (WHERE status = 'failed') AS failed,
                   max(finished_at) FILTER (WHERE status = 'succeeded') AS last_success_at
            FROM etl_runs
            GROUP BY source
        ), last_finished AS (
            SELECT DISTINCT ON (source) source, status, duration_ms
            FROM etl_runs
            WHERE status <> 'running'
            ORDER BY source, started_at DESC, id DESC
        )
        SELECT t.source, t.records_read, t.records_loaded, t.records_skipped, t.records_rejected,
               t.running, t.succeeded, t.partial, t.failed, f.status, f.duration_ms, t.last_success_at
        FROM totals t
        LEFT JOIN last_finished f ON f.source = t.source
        ORDER BY t.source
        """;

    public async Task<IReadOnlyList<SourceEtlMetrics>?> ReadAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var command = dataSource.CreateCommand(Sql);
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            var sources = new List<SourceEtlMetrics>();
            while (await reader.ReadAsync(timeout.Token))
            {
                var runs = new Dictionary<string, long>(StringComparer.Ordinal)
                {
                    ["running"] = reader.GetInt64(5),
                    ["succeeded"] = reader.GetInt64(6),
                    ["partial"] = reader.GetInt64(7),
                    ["failed"] = reader.GetInt64(8),
                };
                sources.Add(new SourceEtlMetrics(
                    reader.GetString(0),
                    reader.GetInt64(1),
                    reader.GetInt64(2),
                    reader.GetInt64(3),
                    reader.GetInt64(4),
                    runs,
                    reader.IsDBNull(9) ? null : reader.GetString(9),
                    reader.IsDBNull(10) ? null : reader.GetInt64(10),
                    RunColumns.NullableTime(reader, 11)));
            }

            return sources;
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or System.Net.Sockets.SocketException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }
}
