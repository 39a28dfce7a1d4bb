using Npgsql;

namespace Kasparro.Infrastructure.Persistence.Changes;

/// <summary>
/// The data version's statements (migration 0011). A writer adds <see cref="Bump"/> to the last round trip of a
/// transaction that changes what a read can return, and tells <see cref="DataVersionTracker.Changed"/> once it has
/// committed; the notice reaches every other listening process when the transaction commits, and never if it rolls back.
/// </summary>
internal static class DataVersionSql
{
    /// <summary>The channel the new version is sent on.</summary>
    public const string Channel = "kasparro_data_changed";

    /// <summary>Adds one to the version and sends the new value on <see cref="Channel"/> (delivered at commit).</summary>
    public const string BumpSql = $"""
        WITH bumped AS (UPDATE data_version SET version = version + 1 RETURNING version)
        SELECT pg_notify('{Channel}', version::text) FROM bumped
        """;

    public const string ReadSql = "SELECT version FROM data_version";

    public static NpgsqlBatchCommand Bump() => new(BumpSql);

    /// <summary>Runs <paramref name="statement"/> and the bump in one implicit transaction; returns the rows the statement affected.</summary>
    public static async Task<int> ExecuteChangingAsync(PostgresDatabase database, NpgsqlBatchCommand statement, CancellationToken cancellationToken)
    {
        await using var batch = database.DataSource.CreateBatch();
        batch.BatchCommands.Add(statement);
        batch.BatchCommands.Add(Bump());
        await batch.ExecuteNonQueryAsync(cancellationToken);
        database.DataVersion.Changed();
        return statement.RecordsAffected;
    }

    public static async Task<long> ReadAsync(NpgsqlConnection connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReadSql, connection) { CommandTimeout = (int)Math.Ceiling(timeout.TotalSeconds) };
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
