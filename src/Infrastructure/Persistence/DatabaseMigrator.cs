using System.Diagnostics;
using System.Runtime.ExceptionServices;
using DbUp;
using DbUp.Engine;
using DbUp.Postgresql;
using Kasparro.Application.Database.Migrate;
using Kasparro.Application.Database.Ports;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// Applies the embedded SQL scripts in version order with DbUp (ADR 0001). On a connection of its own it first takes
/// a session-level advisory lock (a second process migrating at the same time waits, then finds everything applied);
/// DbUp then runs each pending script in its own transaction together with its <c>schema_migrations</c> row, and
/// <see cref="MigrationJournal"/> refuses to go on when an applied script was edited (checksum mismatch).
/// </summary>
public sealed partial class DatabaseMigrator(PostgresDatabase database, ILogger<DatabaseMigrator> logger) : ISchemaMigrator
{
    private static readonly Lazy<IReadOnlyList<MigrationScript>> Embedded = new(() => MigrationScript.LoadEmbedded(typeof(DatabaseMigrator).Assembly));

    /// <summary>The scripts this build carries, in version order.</summary>
    public static IReadOnlyList<MigrationScript> Scripts => Embedded.Value;

    public async Task<MigrateDatabaseResult> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKeys.Migrations})", cancellationToken);
        try
        {
            // DbUp's engine is synchronous: it runs on a pool thread while this connection holds the lock.
            return await Task.Run(() => Upgrade(cancellationToken), cancellationToken);
        }
        finally
        {
            await UnlockAsync(connection);
        }
    }

    private MigrateDatabaseResult Upgrade(CancellationToken cancellationToken)
    {
        var scripts = Scripts;
        var connections = new PostgresqlConnectionManager(database.DataSource);
        var journal = new MigrationJournal(() => connections, scripts, logger);
        var engine = DeployChanges.To
            .PostgresqlDatabase(connections)
            .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, MigrationScript.IsMigration)
            .WithScriptNameComparer(Comparer<string>.Create((x, y) => MigrationScript.VersionOf(x).CompareTo(MigrationScript.VersionOf(y))))
            .WithTransactionPerScript()
            .JournalTo(journal)
            // The scripts run as written: no $variable$ substitution, and no time limit on a long index build.
            .WithVariablesDisabled()
            .WithExecutionTimeout(TimeSpan.Zero)
            // This class logs what was applied; failures reach the caller as the exception DbUp caught.
            .LogToNowhere()
            .Build();

        var done = new List<string>();
        var started = Stopwatch.GetTimestamp();
        engine.ScriptExecuted += (_, e) =>
        {
            var label = scripts.Single(s => s.ResourceName == ((ScriptExecutedEventArgs)e).Script.Name).Label;
            LogApplied(label, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            done.Add(label);
            started = Stopwatch.GetTimestamp();
            // DbUp cannot cancel a script midway: a cancellation stops the run between two committed scripts.
            cancellationToken.ThrowIfCancellationRequested();
        };

        var result = engine.PerformUpgrade();
        if (!result.Successful)
        {
            ExceptionDispatchInfo.Throw(result.Error ?? new InvalidOperationException("The database migration failed without an error"));
        }

        if (done.Count == 0)
        {
            LogUpToDate(journal.Recorded);
        }

        return new MigrateDatabaseResult(done, journal.Recorded);
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

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Migration} in {ElapsedMs} ms")]
    private partial void LogApplied(string migration, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date ({Applied} migrations applied before)")]
    private partial void LogUpToDate(int applied);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration lock could not be released explicitly; its session is closed instead")]
    private partial void LogUnlockFailed(Exception exception);
}
