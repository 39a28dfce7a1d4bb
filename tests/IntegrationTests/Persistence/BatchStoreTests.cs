using Kasparro.Domain.Ingestion;
using Kasparro.Infrastructure.Persistence;
using Kasparro.Infrastructure.Persistence.Ingestion;
using Kasparro.IntegrationTests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using static Kasparro.IntegrationTests.Persistence.TestData;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>A run's batches through <see cref="PostgresBatchStore"/>'s sink, overlapped on real connections.</summary>
public sealed class BatchStoreTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private readonly PostgresIngestionStore _store = new(db.Database);

    [Fact]
    public async Task Sink_WhenBatchesShareQuoteKeysAndContent_StoresEachOnceInOrderWithItsCheckpointAndCounts()
    {
        var run = await _store.StartRunAsync();
        var asset = Asset("SINK", "Sink Coin");
        await db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "sink")]);
        var batches = Enumerable.Range(0, 6).Select(i => Batch(
            // Each batch repeats the content and the quote key of the one before, and brings one of its own.
            raw: [Raw($$"""{"symbol":"SINK","row":{{i}}}"""), Raw($$"""{"symbol":"SINK","row":{{i + 1}}}""")],
            quotes: [Quote(asset, "sink", price: 1m + i, observedAt: T0.AddDays(i)), Quote(asset, "sink", price: 1m + i, observedAt: T0.AddDays(i + 1))],
            checkpoints: [Checkpoint("sink.csv", 0, 10 * (i + 1))])).ToList();
        var stored = new List<RunCounts>();

        await using (var sink = new PostgresBatchStore(db.Database, TimeProvider.System, NullLogger<PostgresBatchStore>.Instance).Open(run.Source, run.Id, stored.Add))
        {
            foreach (var batch in batches)
            {
                await sink.WriteAsync(batch, CancellationToken.None);
            }

            await sink.FlushAsync(CancellationToken.None);
        }

        stored.Count.ShouldBe(6);
        stored[0].ShouldBe(new RunCounts(2, 2, 0, 0));
        stored.Skip(1).ShouldAllBe(c => c.Loaded == 2, "the repeated key carries a newer price, the other is new");
        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_csv WHERE payload->>'symbol' = 'SINK'")).ShouldBe(7);
        (await db.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE source_asset_id = 'sink'")).ShouldBe(7);
        (await db.ScalarAsync<decimal>("SELECT price_usd FROM quotes WHERE source_asset_id = 'sink' AND observed_at = $1", T0.AddDays(6))).ShouldBe(6m);
        (await db.ScalarAsync<long>("SELECT position FROM etl_checkpoints WHERE stream = 'sink.csv'")).ShouldBe(60);
        (await db.ScalarAsync<long>("SELECT read_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(12);
        (await db.ScalarAsync<long>("SELECT loaded_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(stored.Sum(c => c.Loaded));
    }

    [Fact]
    public async Task Sink_WhenBatchesShareNothing_StoresThemTwoAtATimeInOrder()
    {
        var run = await _store.StartRunAsync();
        var asset = Asset("PAIR", "Pair Coin");
        await db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "pair")]);
        var stored = new List<RunCounts>();

        await using (var sink = new PostgresBatchStore(db.Database, TimeProvider.System, NullLogger<PostgresBatchStore>.Instance).Open(run.Source, run.Id, stored.Add))
        {
            for (var i = 0; i < 8; i++)
            {
                var quotes = Enumerable.Range(0, i + 1).Select(q => Quote(asset, "pair", observedAt: T0.AddDays((10 * i) + q))).ToList();
                var raw = quotes.Select(q => Raw($$"""{"symbol":"PAIR","at":"{{q.ObservedAt:O}}"}""")).ToList();
                await sink.WriteAsync(Batch(raw: raw, quotes: quotes, checkpoints: [Checkpoint("pair.csv", 0, i + 1)]), CancellationToken.None);
            }

            await sink.FlushAsync(CancellationToken.None);
        }

        stored.Select(c => c.Loaded).ShouldBe([1L, 2, 3, 4, 5, 6, 7, 8], "each batch is stored after the one handed over before it");
        (await db.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE source_asset_id = 'pair'")).ShouldBe(36);
        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_csv WHERE payload->>'symbol' = 'PAIR'")).ShouldBe(36);
        (await db.ScalarAsync<long>("SELECT position FROM etl_checkpoints WHERE stream = 'pair.csv'")).ShouldBe(8);
        (await db.ScalarAsync<long>("SELECT loaded_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(36);
    }
}
