using Kasparro.Infrastructure.Persistence;
using Kasparro.IntegrationTests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>
/// Migration 0010 on a database loaded before the one-id-per-catalog rule: the false merges it holds are split, the same
/// way every time, before the rule's index is built.
/// </summary>
public sealed class IdentityRepairMigrationTests : IAsyncLifetime
{
    private static readonly Guid Luna = Guid.Parse("0195f3c1-0000-7000-8000-000000000001");
    private static readonly Guid CsvCoin = Guid.Parse("0195f3c1-0000-7000-8000-000000000002");
    private PostgresServer _server = null!;
    private string _connectionString = string.Empty;
    private NpgsqlDataSource _data = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        _connectionString = await _server.CreateEmptyDatabaseAsync();
        _data = NpgsqlDataSource.Create(_connectionString);
    }

    public async Task DisposeAsync()
    {
        await _data.DisposeAsync();
        await _server.DropDatabaseAsync(_connectionString);
    }

    [Fact]
    public async Task Migrate_SplitsEachSecondIdOfACatalogOffItsAsset_WithItsQuotes_AndThenEnforcesTheRule()
    {
        var before = DatabaseMigrator.Scripts.TakeWhile(s => s.Name != "identity_decisions").Count();
        await DatabaseMigratorTests.ApplyWithHistoryRowsAsync(_connectionString, before);
        // One LUNA asset took CoinPaprika's new Terra (first), CoinGecko's classic Terra by name, then CoinPaprika's classic
        // Terra through the crosswalk (terra-luna <-> luna-terra); a CSV coin holds two ids of two files.
        await ExecuteAsync("""
            INSERT INTO assets (id, ticker, name, normalized_name, market_cap_usd, created_at, updated_at) VALUES
                ($1, 'LUNA', 'Terra', 'terra', 5000000000, '2023-01-01', '2023-01-01'),
                ($2, 'CSVC', 'Csvcoin', 'csvcoin', NULL, '2023-01-01', '2023-01-01')
            """, Luna, CsvCoin);
        await ExecuteAsync("""
            INSERT INTO asset_sources (source, source_asset_id, asset_id, method, confidence, created_at) VALUES
                ('coinpaprika', 'luna-terra-v2', $1, 'new', 1, '2023-01-01'),
                ('coingecko', 'terra-luna', $1, 'symbol+name', 1, '2023-02-01'),
                ('coinpaprika', 'luna-terra', $1, 'crosswalk', 1, '2023-03-01'),
                ('csv', 'csvcoin-a', $2, 'new', 1, '2023-01-01'),
                ('csv', 'csvcoin-b', $2, 'symbol+name', 1, '2023-01-02')
            """, Luna, CsvCoin);
        await ExecuteAsync("""
            INSERT INTO quotes (source, source_asset_id, observed_at, asset_id, ticker, name, price_usd, market_cap_usd, source_updated_at, ingested_at, run_id) VALUES
                ('coinpaprika', 'luna-terra-v2', '2023-08-10', $1, 'LUNA', 'Terra 2', 0.6, 4000000000, '2023-08-10', now(), $3),
                ('coinpaprika', 'luna-terra-v2', '2023-08-11', $1, 'LUNA', 'Terra', 0.7, 5000000000, '2023-08-11', now(), $3),
                ('coinpaprika', 'luna-terra', '2023-08-11', $1, 'LUNC', 'Terra Classic', 0.0001, 600000000, '2023-08-11', now(), $3),
                ('csv', 'csvcoin-b', '2023-08-11', $2, 'CSVC', 'Csvcoin', 1, NULL, '2023-08-11', now(), $3)
            """, Luna, CsvCoin, Guid.CreateVersion7());

        await using (var database = new PostgresDatabase(_connectionString))
        {
            await new DatabaseMigrator(database, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        }

        var moved = await ScalarAsync<Guid>("SELECT md5($1::text || '|coinpaprika:luna-terra-v2')::uuid", Luna);
        (await TextsAsync("SELECT source_asset_id || ' ' || asset_id FROM asset_sources ORDER BY source, source_asset_id")).ShouldBe(
        [
            $"terra-luna {Luna}",
            $"luna-terra {Luna}",
            $"luna-terra-v2 {moved}",
            $"csvcoin-a {CsvCoin}",
            $"csvcoin-b {CsvCoin}",
        ]);
        (await TextsAsync("SELECT source_asset_id || ' ' || asset_id FROM quotes WHERE source = 'coinpaprika' ORDER BY source_asset_id, observed_at")).ShouldBe(
            [$"luna-terra {Luna}", $"luna-terra-v2 {moved}", $"luna-terra-v2 {moved}"]);
        (await TextsAsync("SELECT concat_ws(' ', ticker, name, trim_scale(market_cap_usd)) FROM assets WHERE id IN ($1, $2) ORDER BY id = $1 DESC", Luna, moved))
            .ShouldBe(["LUNA Terra 600000000", "LUNA Terra 5000000000"]);
        (await TextsAsync("SELECT concat_ws(' ', what, asset_id, other_asset_id, method, who) FROM identity_decisions WHERE what <> 'map'"))
            .ShouldBe([$"split {Luna} {moved} repair resolver"]);
        (await ScalarAsync<long>("SELECT count(*) FROM identity_decisions WHERE what = 'map'")).ShouldBe(5, "every mapping stored before is recorded");

        var refused = await Should.ThrowAsync<PostgresException>(() => ExecuteAsync(
            "INSERT INTO asset_sources (source, source_asset_id, asset_id, method, confidence, created_at) VALUES ('coingecko', 'terra-luna-2', $1, 'new', 1, now())", Luna));
        refused.SqlState.ShouldBe(PostgresErrorCodes.UniqueViolation);
        refused.ConstraintName.ShouldBe("ux_asset_sources_one_id_per_catalog");
        await ExecuteAsync(
            "INSERT INTO asset_sources (source, source_asset_id, asset_id, method, confidence, created_at) VALUES ('csv', 'csvcoin-c', $1, 'manual', 1, now())", CsvCoin);
    }

    private async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = _data.CreateCommand(sql);
        command.Parameters.AddRange(parameters.Select(p => new NpgsqlParameter { Value = p }).ToArray());
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = _data.CreateCommand(sql);
        command.Parameters.AddRange(parameters.Select(p => new NpgsqlParameter { Value = p }).ToArray());
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task<IReadOnlyList<string>> TextsAsync(string sql, params object[] parameters)
    {
        await using var command = _data.CreateCommand(sql);
        command.Parameters.AddRange(parameters.Select(p => new NpgsqlParameter { Value = p }).ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
