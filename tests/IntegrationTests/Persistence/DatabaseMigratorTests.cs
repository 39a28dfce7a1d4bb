using Kasparro.Infrastructure.Persistence;
using Kasparro.IntegrationTests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Kasparro.IntegrationTests.Persistence;

public sealed class DatabaseMigratorTests : IAsyncLifetime
{
    private static readonly string[] ContractTables =
    [
        "raw_coinpaprika", "raw_coingecko", "raw_csv", "assets", "asset_sources", "asset_crosswalk", "ticker_aliases", "quotes",
        "rejected_records", "schema_drift_events", "etl_runs", "etl_checkpoints", "schema_migrations", "identity_decisions", "data_version",
    ];

    private PostgresServer _server = null!;
    private readonly List<string> _databases = [];

    public async Task InitializeAsync() => _server = await PostgresServer.SharedAsync();

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await _server.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Migrate_WhenRunConcurrently_AppliesEachScriptOnce()
    {
        var connectionString = await EmptyDatabaseAsync();
        var databases = Enumerable.Range(0, 4).Select(_ => new PostgresDatabase(connectionString)).ToList();
        try
        {
            var results = await Task.WhenAll(databases.Select(d => Migrator(d).MigrateAsync(CancellationToken.None)));

            results.Sum(r => r.Applied.Count).ShouldBe(DatabaseMigrator.Scripts.Count);
            results.Count(r => r.Applied.Count > 0).ShouldBe(1);
            results.Where(r => r.Applied.Count == 0).ShouldAllBe(r => r.AlreadyApplied == DatabaseMigrator.Scripts.Count);
            var versions = (await HistoryRowsAsync(connectionString)).Select(r => r.Version).ToList();
            versions.ShouldBe(DatabaseMigrator.Scripts.Select(s => s.Version).ToList());
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Migrate_WhenAlreadyUpToDate_AppliesNothing()
    {
        var connectionString = await EmptyDatabaseAsync();
        await using var database = new PostgresDatabase(connectionString);

        var first = await Migrator(database).MigrateAsync(CancellationToken.None);
        var second = await Migrator(database).MigrateAsync(CancellationToken.None);

        first.Applied.Count.ShouldBe(DatabaseMigrator.Scripts.Count);
        first.Applied[0].ShouldBe("0001_initial");
        second.Applied.ShouldBeEmpty();
        second.AlreadyApplied.ShouldBe(DatabaseMigrator.Scripts.Count);
    }

    [Fact]
    public async Task Migrate_WhenAnAppliedScriptWasEdited_FailsNamingTheChecksumMismatch()
    {
        var connectionString = await EmptyDatabaseAsync();
        await using var database = new PostgresDatabase(connectionString);
        await Migrator(database).MigrateAsync(CancellationToken.None);
        await using (var tamper = database.DataSource.CreateCommand("UPDATE schema_migrations SET checksum = 'deadbeef' WHERE version = 1"))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var error = await Should.ThrowAsync<InvalidOperationException>(() => Migrator(database).MigrateAsync(CancellationToken.None));

        error.Message.ShouldContain("0001_initial");
        error.Message.ShouldContain("checksum deadbeef");
        error.Message.ShouldContain("must never be edited");
    }

    [Fact]
    public async Task Migrate_WhenTheHistoryHoldsEarlierScripts_AppliesOnlyTheRestAndRecordsThemAlike()
    {
        var connectionString = await EmptyDatabaseAsync();
        var earlier = DatabaseMigrator.Scripts.Count - 2;
        await ApplyWithHistoryRowsAsync(connectionString, earlier);
        await using var database = new PostgresDatabase(connectionString);

        var result = await Migrator(database).MigrateAsync(CancellationToken.None);

        result.AlreadyApplied.ShouldBe(earlier);
        result.Applied.ShouldBe(DatabaseMigrator.Scripts.Skip(earlier).Select(s => s.Label).ToList());
        var history = await HistoryRowsAsync(connectionString);
        history.ShouldBe(DatabaseMigrator.Scripts.Select(s => (s.Version, s.Name, s.Checksum)).ToList());
    }

    [Fact]
    public async Task Migrate_WhenAScriptFailsMidway_RollsTheWholeScriptBackAndRecordsNothing()
    {
        var connectionString = await EmptyDatabaseAsync();
        var beforeKeyChange = DatabaseMigrator.Scripts.Single(s => s.Name == "time_ordered_quote_key").Version - 1;
        await ApplyWithHistoryRowsAsync(connectionString, beforeKeyChange);
        await using var database = new PostgresDatabase(connectionString);
        // The key change drops the primary key first and this index second: without the index it fails after the drop.
        await using (var sabotage = database.DataSource.CreateCommand("DROP INDEX ix_quotes_observed_at_key"))
        {
            await sabotage.ExecuteNonQueryAsync();
        }

        var error = await Should.ThrowAsync<PostgresException>(() => Migrator(database).MigrateAsync(CancellationToken.None));

        error.SqlState.ShouldBe(PostgresErrorCodes.UndefinedObject);
        await using var key = database.DataSource.CreateCommand("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'quotes_pkey'");
        (await key.ExecuteScalarAsync()).ShouldBe("PRIMARY KEY (source, source_asset_id, observed_at)");
        (await HistoryRowsAsync(connectionString)).Max(r => r.Version).ShouldBe(beforeKeyChange);
    }

    [Fact]
    public async Task Migrate_CreatesTheContractTablesAndSeedsReferenceData()
    {
        var connectionString = await EmptyDatabaseAsync();
        await using var database = new PostgresDatabase(connectionString);
        await Migrator(database).MigrateAsync(CancellationToken.None);

        await using var tables = database.DataSource.CreateCommand("SELECT array_agg(table_name::text) FROM information_schema.tables WHERE table_schema = 'public'");
        var names = (string[])(await tables.ExecuteScalarAsync())!;
        names.ShouldBe(ContractTables, ignoreOrder: true);

        await using var seed = database.DataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM asset_crosswalk WHERE canonical_key = 'bitcoin' AND source_asset_id IN ('btc-bitcoin', 'bitcoin')),
                   (SELECT ticker FROM ticker_aliases WHERE alias = 'XBT'),
                   (SELECT count(DISTINCT canonical_key) FROM asset_crosswalk)
            """);
        await using var reader = await seed.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetInt64(0).ShouldBe(2);
        reader.GetString(1).ShouldBe("BTC");
        reader.GetInt64(2).ShouldBeGreaterThanOrEqualTo(10);
    }

    [Fact]
    public void Scripts_AreEmbeddedInVersionOrderWithStableChecksums()
    {
        var scripts = DatabaseMigrator.Scripts;

        scripts.Count.ShouldBeGreaterThanOrEqualTo(2);
        scripts.Select(s => s.Version).ShouldBe(scripts.Select(s => s.Version).Order().Distinct().ToList());
        new MigrationScript(1, "x", "SELECT 1;\r\n").Checksum.ShouldBe(new MigrationScript(1, "x", "SELECT 1;\n").Checksum);
    }

    private static DatabaseMigrator Migrator(PostgresDatabase database) => new(database, NullLogger<DatabaseMigrator>.Instance);

    private async Task<string> EmptyDatabaseAsync()
    {
        var connectionString = await _server.CreateEmptyDatabaseAsync();
        _databases.Add(connectionString);
        return connectionString;
    }

    /// <summary>
    /// The first <paramref name="count"/> scripts applied the way the history table records them: each in a
    /// transaction with its (version, name, checksum) row, in the table shape existing databases have.
    /// </summary>
    internal static async Task ApplyWithHistoryRowsAsync(string connectionString, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("""
            CREATE TABLE schema_migrations (
                version     integer     PRIMARY KEY,
                name        text        NOT NULL,
                checksum    text        NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        foreach (var script in DatabaseMigrator.Scripts.Take(count))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var apply = new NpgsqlCommand(script.Sql, connection))
            {
                await apply.ExecuteNonQueryAsync();
            }

            await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection))
            {
                record.Parameters.Add(new() { Value = script.Version });
                record.Parameters.Add(new() { Value = script.Name });
                record.Parameters.Add(new() { Value = script.Checksum });
                await record.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }

    private static async Task<List<(int Version, string Name, string Checksum)>> HistoryRowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version, name, checksum FROM schema_migrations ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int Version, string Name, string Checksum)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }
}
