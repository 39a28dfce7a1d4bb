using Kasparro.Infrastructure.Persistence;
using Kasparro.IntegrationTests.Fixtures;
using Npgsql;
using static Kasparro.IntegrationTests.Persistence.TestData;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>
/// quotes.asset_id always names a stored asset (migration 0006 checks it per statement instead of by a foreign key):
/// through the batch's COPY and upsert, and against deletes, truncation and id changes of assets.
/// </summary>
public sealed class AssetReferenceTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private readonly PostgresIngestionStore _store = new(db.Database);

    [Fact]
    public async Task Copy_WhenAQuoteNamesNoStoredAsset_FailsTheBatchAndWritesNothing()
    {
        var run = await _store.StartRunAsync();
        var stored = Asset("REFA", "Ref A");
        var ghost = Asset("REFG", "Ref Ghost");
        await db.Database.StoreIdentitiesAsync([stored], [Mapping(stored, "refa")]);

        var failure = await Should.ThrowAsync<PostgresException>(() => db.Database.StoreBatchAsync(run, Batch(quotes: [Quote(stored, "refa"), Quote(ghost, "refg")])));

        failure.SqlState.ShouldBe(PostgresErrorCodes.ForeignKeyViolation);
        failure.MessageText.ShouldContain(ghost.Id.ToString());
        (await db.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE source_asset_id IN ('refa', 'refg')")).ShouldBe(0);
    }

    [Fact]
    public async Task Upsert_WhenAStoredQuoteWouldMoveToNoStoredAsset_FailsTheBatch()
    {
        var run = await _store.StartRunAsync();
        var stored = Asset("REFU", "Ref U");
        await db.Database.StoreIdentitiesAsync([stored], [Mapping(stored, "refu")]);
        await db.Database.StoreBatchAsync(run, Batch(quotes: [Quote(stored, "refu", price: 1m)]));
        var ghost = Asset("REFU", "Ref U");

        // The same key, newer and different: the upsert path, which would point the stored row at the ghost.
        var moved = Quote(ghost, "refu", price: 2m, sourceUpdatedAt: T0.AddHours(1));
        var failure = await Should.ThrowAsync<PostgresException>(() => db.Database.StoreBatchAsync(run, Batch(quotes: [moved])));

        failure.SqlState.ShouldBe(PostgresErrorCodes.ForeignKeyViolation);
        (await db.ScalarAsync<Guid>("SELECT asset_id FROM quotes WHERE source_asset_id = 'refu'")).ShouldBe(stored.Id);
    }

    [Fact]
    public async Task Delete_WhenQuotesReferToTheAsset_IsRefused_AndAllowedOtherwise()
    {
        var run = await _store.StartRunAsync();
        var quoted = Asset("REFD", "Ref D");
        var unquoted = Asset("REFN", "Ref N");
        await db.Database.StoreIdentitiesAsync([quoted, unquoted]);
        await db.Database.StoreBatchAsync(run, Batch(quotes: [Quote(quoted, "refd")]));

        var failure = await Should.ThrowAsync<PostgresException>(() => db.ExecuteAsync("DELETE FROM assets WHERE id = ANY($1)", new[] { quoted.Id, unquoted.Id }));
        var deleted = await db.ExecuteAsync("DELETE FROM assets WHERE id = $1", unquoted.Id);

        failure.SqlState.ShouldBe(PostgresErrorCodes.ForeignKeyViolation);
        failure.MessageText.ShouldContain(quoted.Id.ToString());
        deleted.ShouldBe(1);
        (await db.ScalarAsync<long>("SELECT count(*) FROM assets WHERE id = $1", quoted.Id)).ShouldBe(1);
    }

    [Fact]
    public async Task IdChange_OfAnAsset_IsRefused()
    {
        var asset = Asset("REFI", "Ref I");
        await db.Database.StoreIdentitiesAsync([asset]);

        var failure = await Should.ThrowAsync<PostgresException>(() => db.ExecuteAsync("UPDATE assets SET id = gen_random_uuid() WHERE id = $1", asset.Id));

        failure.SqlState.ShouldBe(PostgresErrorCodes.ForeignKeyViolation);
    }

    [Fact]
    public async Task Truncate_OfAssetsWhileQuotesExist_IsRefused()
    {
        var run = await _store.StartRunAsync();
        var asset = Asset("REFT", "Ref T");
        await db.Database.StoreIdentitiesAsync([asset]);
        await db.Database.StoreBatchAsync(run, Batch(quotes: [Quote(asset, "reft")]));

        var failure = await Should.ThrowAsync<PostgresException>(() => db.ExecuteAsync("TRUNCATE assets CASCADE"));

        failure.SqlState.ShouldBe(PostgresErrorCodes.ForeignKeyViolation);
        (await db.ScalarAsync<long>("SELECT count(*) FROM assets WHERE id = $1", asset.Id)).ShouldBe(1);
    }
}
