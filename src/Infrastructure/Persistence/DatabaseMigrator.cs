using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Kasparro.Application.Database.Migrate;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>One versioned schema script, embedded in this assembly as <c>Persistence/Migrations/NNNN_name.sql</c>.</summary>
public sealed record MigrationScript(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 (lower-case hex) of the script with line endings normalized to LF, so a CRLF checkout matches.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}

/// <summary>
/// Applies the embedded SQL scripts in version order (ADR 0001). On one dedicated connection it first takes a
/// session-level advisory lock (a second process migrating at the same time waits, then finds everything applied),
/// then creates the <c>schema_migrations</c> history if needed, refuses to go on when an applied script was edited
/// (checksum mismatch), and applies each pending script in its own transaction together with its history row.
/// </summary>
public sealed partial class DatabaseMigrator(PostgresDatabase database, ILogger<DatabaseMigrator> logger) : ISchemaMigrator
{
    private const string CreateHistorySql = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     integer     PRIMARY KEY,
            name        text        NOT NULL,
            checksum    text        NOT NULL,
            applied_at  timestamptz NOT NULL DEFAULT now()
        )
        """;

    private static readonly Lazy<IReadOnlyList<MigrationScript>> Embedded = new(LoadEmbeddedScripts);

    /// <summary>The scripts this build carries, in version order.</summary>
    public static IReadOnlyList<MigrationScript> Scripts => Embedded.Value;

    public async Task<MigrateDatabaseResult> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKeys.Migrations})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, CreateHistorySql, cancellationToken);
            var applied = await ReadHistoryAsync(connection, cancellationToken);
            Verify(applied);

            var done = new List<string>();
            foreach (var script in Scripts.Where(s => !applied.ContainsKey(s.Version)))
            {
                var started = Stopwatch.GetTimestamp();
                await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
                {
                    await ExecuteAsync(connection, script.Sql, cancellationToken);
                    await using var record = new NpgsqlCommand(
                        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, now())", connection)
                    {
                        Parameters = { new() { Value = script.Version }, new() { Value = script.Name }, new() { Value = script.Checksum } },
                    };
                    await record.ExecuteNonQueryAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }

                var label = Label(script);
                LogApplied(label, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                done.Add(label);
            }

            if (done.Count == 0)
            {
                LogUpToDate(applied.Count);
            }

            return new MigrateDatabaseResult(done, applied.Count);
        }
        finally
        {
            await UnlockAsync(connection);
        }
    }

    /// <summary>Releases the migration lock; a session that cannot is ended instead (which releases it too).</summary>
    private async Task UnlockAsync(NpgsqlConnection connection)
    {
        try
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKeys.Migrations})", CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            LogUnlockFailed(ex);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private void Verify(Dictionary<int, (string Name, string Checksum)> applied)
    {
        var known = Scripts.ToDictionary(s => s.Version);
        foreach (var (version, (name, checksum)) in applied.OrderBy(a => a.Key))
        {
            if (!known.TryGetValue(version, out var script))
            {
                LogUnknownVersion(version, name);
                continue;
            }

            if (!string.Equals(script.Checksum, checksum, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"Migration {Label(script)} was applied with checksum {checksum}, but the script in this build has {script.Checksum}. "
                    + "An applied migration must never be edited: restore the original script and put the change in a new numbered script.");
            }
        }
    }

    private static async Task<Dictionary<int, (string Name, string Checksum)>> ReadHistoryAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version, name, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var applied = new Dictionary<int, (string, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Label(MigrationScript script) => $"{script.Version.ToString("D4", CultureInfo.InvariantCulture)}_{script.Name}";

    private static List<MigrationScript> LoadEmbeddedScripts()
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ScriptName().Match(resource);
            if (!match.Success)
            {
                continue;
            }

            scripts.Add(new MigrationScript(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture), match.Groups["name"].Value, ReadResource(assembly, resource)));
        }

        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migration scripts share version {duplicate.Key}: {string.Join(", ", duplicate.Select(s => s.Name))}");
        }

        return [.. scripts.OrderBy(s => s.Version)];
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration {resource} cannot be read");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\.Migrations\.(?<version>\d+)_(?<name>[A-Za-z0-9_]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex ScriptName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Migration} in {ElapsedMs} ms")]
    private partial void LogApplied(string migration, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date ({Applied} migrations applied before)")]
    private partial void LogUpToDate(int applied);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration lock could not be released explicitly; its session is closed instead")]
    private partial void LogUnlockFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database has migration {Version} ({Name}) that this build does not know: it was migrated by a newer version")]
    private partial void LogUnknownVersion(int version, string name);
}
