using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;
using Kasparro.Infrastructure.Persistence;
using Kasparro.IntegrationTests.Fixtures;
using static Kasparro.IntegrationTests.Persistence.TestData;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>
/// A batch's quotes, rejections, drift, checkpoints and counts through <c>PostgresBatchSteps</c>, against a real
/// database. Each test uses its own source asset ids and streams.
/// </summary>
public sealed class BatchStepsTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private readonly PostgresIngestionStore _store = new(db.Database);

    [Fact]
    public async Task Write_WhenBatchHoldsTheSameQuoteKeyTwice_LoadsOnceKeepingTheNewerVersion()
    {
        var run = await StartRunAsync();
        var asset = Asset("DUPE", "Dupe Coin");
        await db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "dupe")]);
        var older = Quote(asset, "dupe", price: 1m, sourceUpdatedAt: T0.AddHours(2));
        var newer = Quote(asset, "dupe", price: 2m, sourceUpdatedAt: T0.AddHours(3));

        var loaded = await StoreAsync(run, Batch(quotes: [newer, older]));

        loaded.ShouldBe(1);
        (await db.ScalarAsync<decimal>("SELECT price_usd FROM quotes WHERE source_asset_id = 'dupe'")).ShouldBe(2m);
        (await db.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE source_asset_id = 'dupe'")).ShouldBe(1);
    }

    [Fact]
    public async Task Write_WhenReplayIsOlder_DoesNotOverwriteNewerData()
    {
        var run = await StartRunAsync();
        var asset = Asset("OLDR", "Older Coin");
        await db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "oldr")]);
        await StoreAsync(run, Batch(quotes: [Quote(asset, "oldr", price: 50m, sourceUpdatedAt: T0.AddDays(2))]));

        var loaded = await StoreAsync(run, Batch(quotes: [Quote(asset, "oldr", price: 40m, sourceUpdatedAt: T0.AddDays(1))]));

        loaded.ShouldBe(0);
        (await db.ScalarAsync<decimal>("SELECT price_usd FROM quotes WHERE source_asset_id = 'oldr'")).ShouldBe(50m);
    }

    [Fact]
    public async Task Write_WhenReplayIsNewerAndDifferent_UpdatesAndCountsIt()
    {
        var run = await StartRunAsync();
        var asset = Asset("NEWR", "Newer Coin");
        await db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "newr")]);
        await StoreAsync(run, Batch(quotes: [Quote(asset, "newr", price: 50m, sourceUpdatedAt: T0)]));

        var loaded = await StoreAsync(run, Batch(quotes: [Quote(asset, "newr", price: 51.5m, sourceUpdatedAt: T0.AddMinutes(1))]));

        loaded.ShouldBe(1);
        (await db.ScalarAsync<decimal>("SELECT price_usd FROM quotes WHERE source_asset_id = 'newr'")).ShouldBe(51.5m);
    }

    [Fact]
    public async Task Write_WhenReplayIsIdentical_LoadsNothing()
    {
        var run = await StartRunAsync();
        var asset = Asset("SAME", "Same Coin");
        await db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "same")]);
        var quotes = Enumerable.Range(0, 10).Select(i => Quote(asset, "same", price: 10m + i, observedAt: T0.AddDays(i))).ToList();
        var first = await StoreAsync(run, Batch(quotes: quotes));

        var replay = await StoreAsync(run, Batch(quotes: quotes));
        var laterButIdentical = await StoreAsync(run, Batch(quotes: [.. quotes.Select(q => q with { SourceUpdatedAt = q.SourceUpdatedAt.AddDays(30) })]));

        first.ShouldBe(10);
        replay.ShouldBe(0);
        laterButIdentical.ShouldBe(0);
    }

    [Fact]
    public async Task Store_WhenSomeRowsAreStored_StartsAgainAndLoadsOnlyTheNewOnes()
    {
        var run = await StartRunAsync();
        var asset = Asset("FRSH", "Fresh Coin");
        await db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "frsh")]);
        var stored = Raw("""{"symbol":"FRSH","row":1}""");
        var storedQuote = Quote(asset, "frsh", price: 1m, observedAt: T0);
        (await StoreAsync(run, Batch(raw: [stored], quotes: [storedQuote]))).ShouldBe(1);

        // Each copy meets stored rows, so its transaction starts again and looks them up: only the new ones load.
        var newer = Quote(asset, "frsh", price: 2m, observedAt: T0.AddDays(1));
        var loaded = await StoreAsync(run, Batch(
            raw: [stored, Raw("""{"symbol":"FRSH","row":2}""")], quotes: [storedQuote, newer], checkpoints: [Checkpoint("fresh.csv", 0, 20)]));

        loaded.ShouldBe(1);
        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_csv WHERE payload->>'symbol' = 'FRSH'")).ShouldBe(2);
        (await db.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE source_asset_id = 'frsh'")).ShouldBe(2);
        (await db.ScalarAsync<long>("SELECT position FROM etl_checkpoints WHERE stream = 'fresh.csv'")).ShouldBe(20);
    }

    [Fact]
    public async Task Commit_WhenCheckpointIsOlder_KeepsTheNewerOne()
    {
        var run = await StartRunAsync();
        await StoreAsync(run, Batch(checkpoints: [Checkpoint("cp.csv", generation: 1, position: 500, state: """{"at":500}""")]));

        await StoreAsync(run, Batch(checkpoints: [Checkpoint("cp.csv", generation: 1, position: 100)]));
        await StoreAsync(run, Batch(checkpoints: [Checkpoint("cp.csv", generation: 0, position: 9_000)]));

        var stored = (await _store.GetCheckpointsAsync(SourceNames.Csv, CancellationToken.None)).Single(c => c.Stream == "cp.csv");
        stored.Generation.ShouldBe(1);
        stored.Position.ShouldBe(500);
        stored.State.ShouldBe("""{"at": 500}""");

        await StoreAsync(run, Batch(checkpoints: [Checkpoint("cp.csv", generation: 2, position: 0)]));
        (await _store.GetCheckpointsAsync(SourceNames.Csv, CancellationToken.None)).Single(c => c.Stream == "cp.csv").Generation.ShouldBe(2);
    }

    [Fact]
    public async Task Write_WhenTheSameRejectionRepeats_KeepsItOnceWithEveryReason()
    {
        var run = await StartRunAsync();
        var bad = Rejection("""{"symbol":"","price":"-1"}""", "symbol is empty", "price is negative");
        var binary = new Rejection("bin.csv:3", null, Payload(null, bytes: [0xC3, 0x28]), ["row is not valid UTF-8"]);

        await StoreAsync(run, Batch(rejections: [bad, bad, binary]));
        var later = await StartRunAsync();
        await StoreAsync(later, Batch(rejections: [bad]));

        (await db.ScalarAsync<long>("SELECT count(*) FROM rejected_records WHERE raw_content LIKE '%\"price\":\"-1\"%'")).ShouldBe(1);
        (await db.ScalarAsync<string[]>("SELECT reasons FROM rejected_records WHERE raw_content LIKE '%\"price\":\"-1\"%'"))
            .ShouldBe(["symbol is empty", "price is negative"]);
        (await db.ScalarAsync<Guid>("SELECT run_id FROM rejected_records WHERE raw_content LIKE '%\"price\":\"-1\"%'")).ShouldBe(run.Id);
        (await db.ScalarAsync<byte[]>("SELECT raw_bytes FROM rejected_records WHERE source_reference = 'bin.csv:3'")).ShouldBe([0xC3, 0x28]);
    }

    [Fact]
    public async Task Write_StoresDrift()
    {
        var run = await StartRunAsync();

        await StoreAsync(run, Batch(drift: [new SourceSchemaDrift("grow.csv", "price", "prise", 0.91m, "mapped", "price read from prise")]));

        (await db.ScalarAsync<string>("SELECT observed_field FROM schema_drift_events WHERE run_id = $1", run.Id)).ShouldBe("prise");
    }

    [Fact]
    public async Task Written_DisposedWithoutCommit_RollsBackItsRowsCheckpointsAndCounts()
    {
        var run = await StartRunAsync();
        var asset = Asset("ROLW", "Rollback Written Coin");
        await db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "rolw")]);
        var batch = Batch(
            quotes: [Quote(asset, "rolw")], rejections: [Rejection("""{"symbol":"ROLW","price":""}""", "price is missing")],
            drift: [new SourceSchemaDrift("rolw.csv", "price", null, 0m, "rejected", "no price column")], checkpoints: [Checkpoint("rolw.csv", 0, 10)]);

        await using (var written = await db.Database.Steps(run).WriteAsync(batch, CancellationToken.None))
        {
            written.Loaded.ShouldBe(1);
        }

        (await db.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE source_asset_id = 'rolw'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM rejected_records WHERE run_id = $1", run.Id)).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM schema_drift_events WHERE run_id = $1", run.Id)).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM etl_checkpoints WHERE stream = 'rolw.csv'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT read_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(0);
    }

    [Fact]
    public async Task Store_WhenManyBatchesReuseOneConnection_KeepsWorkingOnceStatementsArePrepared()
    {
        // Auto-prepare starts after five uses of a statement on a connection.
        var run = await StartRunAsync();
        var asset = Asset("PREP", "Prepared Coin");
        await db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "prep")]);

        for (var i = 0; i < 12; i++)
        {
            var loaded = await StoreAsync(run, Batch(
                raw: [Raw($$"""{"symbol":"PREP","row":{{i}}}""")],
                quotes: [Quote(asset, "prep", price: 1m + i, observedAt: T0.AddDays(i))],
                rejections: [Rejection($$"""{"bad":{{i}}}""", "price is missing")],
                checkpoints: [Checkpoint("prep.csv", 0, 10 * (i + 1))],
                read: 3));
            loaded.ShouldBe(1);
        }

        (await db.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE source_asset_id = 'prep'")).ShouldBe(12);
        (await db.ScalarAsync<long>("SELECT read_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(36);
        (await db.ScalarAsync<long>("SELECT loaded_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(12);
        (await db.ScalarAsync<long>("SELECT skipped_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(12);
        (await db.ScalarAsync<long>("SELECT rejected_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(12);
    }

    [Fact]
    public async Task Write_WhenAQuoteBelongsToAnotherSource_Throws()
    {
        var run = await StartRunAsync();
        var asset = Asset("MIXD", "Mixed");

        await Should.ThrowAsync<ArgumentException>(() => db.Database.Steps(run).WriteAsync(
            Batch(quotes: [Quote(asset, "mixd", source: SourceNames.CoinGecko)]), CancellationToken.None));
    }

    [Fact]
    public async Task Commit_WhenTheRunIsNotStored_Throws()
    {
        var unstored = Run();

        await using var written = await db.Database.Steps(unstored).WriteAsync(Batch(read: 1), CancellationToken.None);

        await Should.ThrowAsync<InvalidOperationException>(() => written.CommitAsync([], new RunCounts(1, 0, 1, 0), CancellationToken.None));
    }

    private Task<long> StoreAsync(IngestionRun run, ResolvedBatch batch) => db.Database.StoreBatchAsync(run, batch);

    private Task<IngestionRun> StartRunAsync(string source = SourceNames.Csv) => _store.StartRunAsync(source);
}
