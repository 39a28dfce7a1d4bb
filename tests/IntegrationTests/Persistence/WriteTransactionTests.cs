using Kasparro.Domain.Ingestion;
using Kasparro.Infrastructure.Persistence;
using Kasparro.Infrastructure.Persistence.Ingestion;
using Kasparro.IntegrationTests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using static Kasparro.IntegrationTests.Persistence.TestData;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>The transaction every step of the write path runs in, against a real database.</summary>
public sealed class WriteTransactionTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private readonly PostgresIngestionStore _store = new(db.Database);

    [Fact]
    public async Task Dispose_WithoutCommit_RollsBackEverything()
    {
        var run = await _store.StartRunAsync();
        var asset = Asset("ROLL", "Rollback Coin");
        await using (var transaction = await WriteTransaction.BeginAsync(db.Database.DataSource, durable: true, NullLogger.Instance, CancellationToken.None))
        {
            await IdentityRows.StoreAsync(transaction, [asset], [Mapping(asset, "roll")], null, T0, CancellationToken.None);
            (await RawLanding.LandAsync(transaction, run.Source, run.Id, [Raw("""{"symbol":"ROLL"}""")], CancellationToken.None)).ShouldBe(1);
            var quotes = await QuoteCopier.CopyAsync(transaction, run.Source, run.Id, T0, [Quote(asset, "roll")], CancellationToken.None);
            quotes.Copied.ShouldBe(1);
            await using var statements = transaction.CreateBatch();
            statements.BatchCommands.Add(SideCommands.Checkpoints(run.Id, T0, [Checkpoint("roll.csv", 0, 10)]));
            statements.BatchCommands.Add(SideCommands.RunCounts(run.Id, new RunCounts(1, 1, 0, 0)));
            await statements.ExecuteNonQueryAsync();
        }

        (await db.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE source_asset_id = 'roll'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM assets WHERE id = $1", asset.Id)).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM asset_sources WHERE source_asset_id = 'roll'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_csv WHERE payload->>'symbol' = 'ROLL'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM etl_checkpoints WHERE stream = 'roll.csv'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT read_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(0);
    }

    [Fact]
    public async Task TryCopyFirst_WhenAUniqueIndexRefusesARow_StartsOverWithoutAnythingTheCopyWrote()
    {
        var run = await _store.StartRunAsync();
        var copies = 0;

        await using (var transaction = await WriteTransaction.BeginAsync(db.Database.DataSource, durable: true, NullLogger.Instance, CancellationToken.None))
        {
            // A new row, then one the primary key refuses (the run is stored already).
            async Task CopyAsync()
            {
                copies++;
                await using var statements = transaction.CreateBatch();
                statements.BatchCommands.Add(SideCommands.Checkpoints(run.Id, T0, [Checkpoint("over.csv", 0, 10)]));
                statements.BatchCommands.Add(Sql.Statement("INSERT INTO etl_runs SELECT * FROM etl_runs WHERE id = $1", Sql.Value(run.Id)));
                await statements.ExecuteNonQueryAsync();
            }

            (await transaction.TryCopyFirstAsync(CopyAsync, CancellationToken.None)).ShouldBeFalse();
            (await transaction.TryCopyFirstAsync(CopyAsync, CancellationToken.None)).ShouldBeFalse("only the first work of a transaction is tried");
            await using (var statements = transaction.CreateBatch())
            {
                statements.BatchCommands.Add(SideCommands.RunCounts(run.Id, new RunCounts(1, 0, 1, 0)));
                await statements.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync(CancellationToken.None);
        }

        copies.ShouldBe(1);
        (await db.ScalarAsync<long>("SELECT count(*) FROM etl_checkpoints WHERE stream = 'over.csv'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT read_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(1, "the transaction begun again commits");
    }
}
