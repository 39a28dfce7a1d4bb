using System.Data.Common;
using Kasparro.Application.Health.GetHealth;
using Kasparro.Application.Health.Ports;
using Npgsql;

namespace Kasparro.Infrastructure.Health;

/// <summary>
/// Reads each source's last run and last success in one round trip. A database that does not answer within
/// <see cref="Timeout"/> counts as unreachable, so <c>/health</c> answers quickly either way. It stays SQL on Npgsql:
/// an aggregation (<c>DISTINCT ON</c>), and on an outage it clears the data source's pool, which sits below EF Core.
/// </summary>
public sealed class PostgresHealthReader(NpgsqlDataSource dataSource) : IHealthReader
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private const string Sql = """
        WITH latest AS (
            SELECT DISTINCT ON (source) id, source, trigger, status, started_at, finished_at, duration_ms,
                   read_count, loaded_count, skipped_count, rejected_count, error_message
            FROM etl_runs
            ORDER BY source, started_at DESC
        ), succeeded AS (
            SELECT source, max(finished_at) AS last_success
            FROM etl_runs
            WHERE status = 'succeeded'
            GROUP BY source
        )
        SELECT l.id, l.source, l.trigger, l.status, l.started_at, l.finished_at, l.duration_ms,
               l.read_count, l.loaded_count, l.skipped_count, l.rejected_count, l.error_message, s.last_success
        FROM latest l
        LEFT JOIN succeeded s ON s.source = l.source
        ORDER BY l.source
        """;

    public async Task<HealthSnapshot?> ReadAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var command = dataSource.CreateCommand(Sql);
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            var sources = new List<SourceSnapshot>();
            while (await reader.ReadAsync(timeout.Token))
            {
                var run = new RunSummary(
                    reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4), NullableTime(reader, 5), reader.IsDBNull(6) ? null : reader.GetInt64(6),
                    reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.IsDBNull(11) ? null : reader.GetString(11));
                sources.Add(new SourceSnapshot(run.Source, run, NullableTime(reader, 12)));
            }

            var last = sources.Select(s => s.LastRun).OrderByDescending(r => r!.StartedAt).FirstOrDefault();
            return new HealthSnapshot(last, sources);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or System.Net.Sockets.SocketException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The idle pooled connections died with the outage: drop them, so the first request after the database
            // is back opens a fresh one instead of failing on a dead socket.
            dataSource.Clear();
            return null;
        }
    }

    private static DateTimeOffset? NullableTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
