using System.Data;
using DbUp.Engine;
using DbUp.Engine.Transactions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// DbUp's journal kept in <c>schema_migrations</c> (version, name, checksum, applied_at). DbUp's own journals store
/// script names only; this one also keeps each script's SHA-256 and refuses to go on when an applied script was
/// edited. DbUp writes a row in the transaction of the script it records.
/// </summary>
internal sealed partial class MigrationJournal(Func<IConnectionManager> connections, IReadOnlyList<MigrationScript> scripts, ILogger logger) : IJournal
{
    private const string CreateTableSql = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     integer     PRIMARY KEY,
            name        text        NOT NULL,
            checksum    text        NOT NULL,
            applied_at  timestamptz NOT NULL DEFAULT now()
        )
        """;

    /// <summary>How many scripts the history held when DbUp read it.</summary>
    public int Recorded { get; private set; }

    /// <summary>The DbUp names of the applied scripts this build carries, once every one of them is checked unedited.</summary>
    public string[] GetExecutedScripts() => connections().ExecuteCommandsWithManagedConnection(commands =>
    {
        EnsureTableExistsAndIsLatestVersion(commands);
        var applied = new List<(int Version, string Name, string Checksum)>();
        using (var command = commands())
        {
            command.CommandText = "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                applied.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        Recorded = applied.Count;
        var known = scripts.ToDictionary(s => s.Version);
        var executed = new List<string>();
        foreach (var (version, name, checksum) in applied)
        {
            if (!known.TryGetValue(version, out var script))
            {
                LogUnknownVersion(version, name);
                continue;
            }

            if (!string.Equals(script.Checksum, checksum, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"Migration {script.Label} was applied with checksum {checksum}, but the script in this build has {script.Checksum}. "
                    + "An applied migration must never be edited: restore the original script and put the change in a new numbered script.");
            }

            executed.Add(script.ResourceName);
        }

        return executed.ToArray();
    });

    public void StoreExecutedScript(SqlScript script, Func<IDbCommand> dbCommandFactory)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(dbCommandFactory);
        var migration = scripts.Single(s => s.ResourceName == script.Name);
        using var command = (NpgsqlCommand)dbCommandFactory();
        command.CommandText = "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, now())";
        command.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
        command.Parameters.Add(new NpgsqlParameter { Value = migration.Name });
        // The hash of the text DbUp ran, so a difference between what ran and what this build carries shows next time.
        command.Parameters.Add(new NpgsqlParameter { Value = MigrationScript.ChecksumOf(script.Contents) });
        command.ExecuteNonQuery();
    }

    public void EnsureTableExistsAndIsLatestVersion(Func<IDbCommand> dbCommandFactory)
    {
        ArgumentNullException.ThrowIfNull(dbCommandFactory);
        using var command = dbCommandFactory();
        command.CommandText = CreateTableSql;
        command.ExecuteNonQuery();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database has migration {Version} ({Name}) that this build does not know: it was migrated by a newer version")]
    private partial void LogUnknownVersion(int version, string name);
}
