using Kasparro.Application.Stats.Ports;
using Kasparro.Infrastructure.Queries.Runs;
using Npgsql;

namespace Kasparro.Infrastructure.Queries.Stats;

/// <summary>
/// <c>/v1/stats</c> in one statement: per-source aggregates over <c>etl_runs</c> joined to each source's latest run.
/// An aggregation, not a query rule, so it stays SQL on Npgsql: <c>count(*) FILTER (...)</c> per status and
/// <c>DISTINCT ON</c> for the latest run say in one pass what LINQ would split into several queries.
/// </summary>
public sealed class PostgresStatsReader(NpgsqlDataSource dataSource) : IStatsReader
{
    private static readonly string Sql = $"""
        WITH totals AS (
            SELECT source,
                   count(*) AS runs_total,
                   count(*) FILTER (WHERE status = 'succeeded') AS runs_succeeded,
                   count(*) FILTER (WHERE status = 'partial') AS runs_partial,
                   count(*) FILTER (WHERE status = 'failed') AS runs_failed,
                   count(*) FILTER (WHERE status = 'running') AS runs_running,
                   max(finished_at) FILTER (WHERE status = 'succeeded') AS last_success_at,
                   max(finished_at) FILTER (WHERE status = 'failed') AS last_failure_at,
                   sum(read_count)::bigint AS records_read,
                   sum(loaded_count)::bigint AS records_loaded,
                   sum(skipped_count)::bigint AS records_skipped,
                   sum(rejected_count)::bigint AS records_rejected,
                   round(avg(duration_ms) FILTER (WHERE status <> 'running'), 1) AS average_duration_ms
            FROM etl_runs
            GROUP BY source
        ), latest AS (
            SELECT DISTINCT ON (source) {RunColumns.List}
            FROM etl_runs
            ORDER BY source, started_at DESC, id DESC
        )
        SELECT t.source, t.runs_total, t.runs_succeeded, t.runs_partial, t.runs_failed, t.runs_running,
               t.last_success_at, t.last_failure_at, t.records_read, t.records_loaded, t.records_skipped, t.records_rejected,
               t.average_duration_ms, {RunColumns.Of("l")}
        FROM totals t
        JOIN latest l ON l.source = t.source
        ORDER BY t.source
        """;

    public async Task<IReadOnlyList<SourceRunTotals>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<SourceRunTotals>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new SourceRunTotals(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                RunColumns.NullableTime(reader, 6),
                RunColumns.NullableTime(reader, 7),
                reader.GetInt64(8),
                reader.GetInt64(9),
                reader.GetInt64(10),
                reader.GetInt64(11),
                reader.IsDBNull(12) ? null : (double)reader.GetDecimal(12),
                RunColumns.Read(reader, 13)));
        }

        return rows;
    }
}
