using Kasparro.Application.Runs;
using Kasparro.Application.Runs.Ports;
using Npgsql;
using NpgsqlTypes;

namespace Kasparro.Infrastructure.Queries.Runs;

/// <summary><c>/v1/runs</c> and its siblings on Npgsql: each method is one round trip, read column by column into DTOs.</summary>
public sealed class PostgresRunReader(NpgsqlDataSource dataSource) : IRunReader
{
    /// <summary>
    /// For each of the latest finished runs of each source, the loaded counts and durations of the finished runs of that
    /// source before it: a window frame of <c>$window</c> rows before the current one, over the runs ranked by recency
    /// (only the <c>$perSource + $window</c> latest of each source are read, enough for every judged run's frame).
    /// </summary>
    private const string HistorySql = $"""
        WITH ranked AS (
            SELECT {RunColumns.List},
                   row_number() OVER (PARTITION BY source ORDER BY started_at DESC, id DESC) AS recency
            FROM etl_runs
            WHERE status <> 'running' AND (cardinality($1::text[]) = 0 OR source = ANY($1))
        ), recent AS (
            SELECT * FROM ranked WHERE recency <= $2 + $3
        ), framed AS (
            SELECT recent.*,
                   array_agg(loaded_count) OVER prior AS prior_loaded,
                   array_agg(duration_ms) OVER prior AS prior_duration
            FROM recent
            WINDOW prior AS (PARTITION BY source ORDER BY started_at, id ROWS BETWEEN $3 PRECEDING AND 1 PRECEDING)
        )
        SELECT {RunColumns.List}, prior_loaded, prior_duration
        FROM framed
        WHERE recency <= $2
        ORDER BY started_at DESC, id DESC
        """;

    public Task<PageRows<RunDto>> ReadPageAsync(NewestFirstPage page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        object? after = page.After is { } position ? Guid.ParseExact(position.Key, "N") : null;
        return NewestFirstSql.ReadPageAsync(
            dataSource, page, "etl_runs", RunColumns.List, "started_at", NpgsqlDbType.Uuid, after, r => RunColumns.Read(r), cancellationToken);
    }

    public async Task<IReadOnlyList<RunDto>> FindAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await using var command = dataSource.CreateCommand($"SELECT {RunColumns.List} FROM etl_runs WHERE id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ids], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<RunDto>(ids.Count);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(RunColumns.Read(reader));
        }

        return runs;
    }

    public async Task<IReadOnlyList<RunWithHistory>> ReadFinishedWithHistoryAsync(
        IReadOnlyList<string> sources, int window, int perSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSource);
        await using var command = dataSource.CreateCommand(HistorySql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. sources], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = perSource, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = window, NpgsqlDbType = NpgsqlDbType.Bigint });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<RunWithHistory>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var run = RunColumns.Read(reader);
            var loaded = reader.IsDBNull(RunColumns.Count) ? [] : reader.GetFieldValue<long[]>(RunColumns.Count);
            var durations = reader.IsDBNull(RunColumns.Count + 1) ? [] : reader.GetFieldValue<long?[]>(RunColumns.Count + 1);
            runs.Add(new RunWithHistory(run, loaded, durations));
        }

        return runs;
    }
}
