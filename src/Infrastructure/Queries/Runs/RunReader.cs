using Ardalis.Specification;
using Kasparro.Application.Runs;
using Kasparro.Application.Runs.Ports;
using Kasparro.Infrastructure.Persistence;
using Mapster;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Kasparro.Infrastructure.Queries.Runs;

/// <summary>
/// <c>/v1/runs</c> and its siblings. Pages and look-ups run on EF Core, projected into <see cref="RunDto"/>. The
/// anomaly history stays one SQL statement on Npgsql: each run's window of earlier runs is
/// <c>array_agg(...) OVER (... ROWS BETWEEN n PRECEDING AND 1 PRECEDING)</c>, which LINQ cannot say.
/// </summary>
public sealed class RunReader(IDbContextFactory<KasparroDbContext> contexts, TypeAdapterConfig mappings, NpgsqlDataSource dataSource) : IRunReader
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

    public async Task<PageRows<RunDto>> ReadPageAsync(ISpecification<RunDto> specification, int countCap, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Runs.ProjectToType<RunDto>(mappings).ToPageAsync(specification, countCap, cancellationToken);
    }

    public async Task<IReadOnlyList<RunDto>> FindAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = ids.ToArray();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Runs.Where(r => wanted.Contains(r.Id)).ProjectToType<RunDto>(mappings).ToListAsync(cancellationToken);
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
