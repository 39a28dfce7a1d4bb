using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;
using Kasparro.Infrastructure.Persistence.Changes;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// <see cref="IIngestionStore"/> on PostgreSQL with plain Npgsql rather than EF Core: every method is one short
/// statement on a row the ingestion owns, and there is nothing to track. EF Core (<see cref="KasparroDbContext"/>)
/// serves the read side. A statement that changes a run moves the data version on with it (runs are read over HTTP).
/// </summary>
public sealed class PostgresIngestionStore(PostgresDatabase database) : IIngestionStore
{
    public const string AbandonedMessage = "abandoned: the process running it stopped before it finished";

    private const string RunColumns =
        "id, source, trigger, status, started_at, finished_at, read_count, loaded_count, skipped_count, rejected_count, error_message";

    public async Task<IReadOnlyList<Checkpoint>> GetCheckpointsAsync(string source, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT stream, generation, position, rows, state::text FROM etl_checkpoints WHERE source = $1 ORDER BY stream");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var checkpoints = new List<Checkpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(new Checkpoint(source, reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4)));
        }

        return checkpoints;
    }

    public async Task<TickerAliases> GetTickerAliasesAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("SELECT alias, ticker FROM ticker_aliases");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var aliases = new List<KeyValuePair<string, string>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            aliases.Add(new(reader.GetString(0), reader.GetString(1)));
        }

        return new TickerAliases(aliases);
    }

    public async Task<IngestionRun?> FindRunningRunAsync(string source, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"SELECT {RunColumns} FROM etl_runs WHERE source = $1 AND status = 'running' ORDER BY started_at DESC LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRun(reader) : null;
    }

    public async Task<int> CloseAbandonedRunsAsync(string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand("""
            UPDATE etl_runs
            SET status = 'failed',
                finished_at = GREATEST($2, started_at),
                duration_ms = (extract(epoch FROM GREATEST($2, started_at) - started_at) * 1000)::bigint,
                error_message = $3
            WHERE source = $1 AND status = 'running'
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = AbandonedMessage });
        return await DataVersionSql.ExecuteChangingAsync(database, command, cancellationToken);
    }

    public async Task AddRunAsync(IngestionRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var command = new NpgsqlBatchCommand("""
            INSERT INTO etl_runs (id, source, trigger, status, started_at, finished_at, duration_ms,
                                  read_count, loaded_count, skipped_count, rejected_count, error_message)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = run.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = run.Source });
        command.Parameters.Add(new NpgsqlParameter { Value = run.Trigger.ToText() });
        AddOutcome(command.Parameters, run);
        await DataVersionSql.ExecuteChangingAsync(database, command, cancellationToken);
    }

    public async Task SaveRunAsync(IngestionRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var command = new NpgsqlBatchCommand("""
            UPDATE etl_runs
            SET status = $4, started_at = $5, finished_at = $6, duration_ms = $7,
                read_count = $8, loaded_count = $9, skipped_count = $10, rejected_count = $11, error_message = $12
            WHERE id = $1 AND source = $2 AND trigger = $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = run.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = run.Source });
        command.Parameters.Add(new NpgsqlParameter { Value = run.Trigger.ToText() });
        AddOutcome(command.Parameters, run);
        if (await DataVersionSql.ExecuteChangingAsync(database, command, cancellationToken) != 1)
        {
            throw new InvalidOperationException($"Run {run.Id} of {run.Source} is not stored: add it before saving its outcome");
        }
    }

    /// <summary>Parameters $4..$12: the part of a run that changes.</summary>
    private static void AddOutcome(NpgsqlParameterCollection parameters, IngestionRun run)
    {
        parameters.Add(new NpgsqlParameter { Value = run.Status.ToText() });
        parameters.Add(new NpgsqlParameter { Value = run.StartedAt.ToUniversalTime() });
        parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = run.FinishedAt?.ToUniversalTime(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter<long?> { TypedValue = run.DurationMs, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        parameters.Add(new NpgsqlParameter { Value = run.Counts.Read });
        parameters.Add(new NpgsqlParameter { Value = run.Counts.Loaded });
        parameters.Add(new NpgsqlParameter { Value = run.Counts.Skipped });
        parameters.Add(new NpgsqlParameter { Value = run.Counts.Rejected });
        parameters.Add(new NpgsqlParameter<string?> { TypedValue = run.Error, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
    }

    private static IngestionRun ReadRun(NpgsqlDataReader reader) =>
        IngestionRun.Restore(
            reader.GetGuid(0),
            reader.GetString(1),
            RunText.ParseTrigger(reader.GetString(2)),
            RunText.ParseStatus(reader.GetString(3)),
            reader.GetFieldValue<DateTimeOffset>(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
            new RunCounts(reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9)),
            reader.IsDBNull(10) ? null : reader.GetString(10));
}
