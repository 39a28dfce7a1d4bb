using Kasparro.Application.Ingestion;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Kasparro.UnitTests.Application;

public sealed class SourceRunnerTests
{
    private readonly InMemoryStore _store = new();
    private readonly SwitchableLock _lock = new();

    private readonly IdentityCache _identities = new();

    private SourceRunner Runner(int batchSize = 3)
    {
        var settings = new IngestionSettings { BatchSize = batchSize };
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        return new(_store, _store, new BatchIdentities(_store, _identities, settings, time), _lock, settings, new NoIngestionProgress(), time, NullLogger<SourceRunner>.Instance);
    }

    private static RunIngestionCommand Command(long? failAfter = null) => new(["csv"], RunTrigger.Cli, FailAfter: failAfter);

    private static List<SourceItem> Records(int count) => [.. Enumerable.Range(0, count).Select(i => (SourceItem)ScriptedSource.Record(i))];

    [Fact]
    public async Task Run_CommitsInBatchesWithTheLastCheckpointOfEach()
    {
        var result = await Runner(batchSize: 3).RunAsync(new ScriptedSource("csv", Records(7)), Command(), CancellationToken.None);

        result.Status.ShouldBe(SourceRunStatus.Succeeded);
        result.Counts.ShouldBe(new RunCounts(7, 7, 0, 0));
        _store.StoredBatches.Count.ShouldBe(3);
        _store.IdentityLoads.ShouldBe(1, "the first batch decides its one key's identity; the later batches find it in the identity cache");
        _store.Checkpoints.Select(c => c.Rows).ShouldBe([3L, 6L, 7L]);
        _store.Progress[result.RunId!.Value].ShouldBe(result.Counts);
    }

    [Fact]
    public async Task Run_AfterACorrection_ResolvesFromTheStoreAgainInsteadOfTheCache()
    {
        await Runner().RunAsync(new ScriptedSource("csv", Records(2)), Command(), CancellationToken.None);
        await Runner().RunAsync(new ScriptedSource("csv", Records(2)), Command(), CancellationToken.None);
        _store.IdentityLoads.ShouldBe(1, "without a correction the second run resolves from the cache");

        // An operator moves the key to another asset (in any process): the store's correction number moves on.
        var moved = new Asset(Guid.CreateVersion7(), Ticker.FromStored("BTC"), "Bitcoin", null, DateTimeOffset.UnixEpoch);
        _store.Assets.Add(moved);
        var key = _store.Mappings.Single().Key;
        _store.Mappings[0] = _store.Mappings[0] with { AssetId = moved.Id, Method = MappingMethod.Manual };
        _store.LastCorrection = 1;
        _store.QuoteAssets.Clear();

        await Runner().RunAsync(new ScriptedSource("csv", Records(2)), Command(), CancellationToken.None);

        _store.IdentityLoads.ShouldBe(2);
        _store.QuoteAssets.ShouldBe([(key.SourceAssetId, moved.Id), (key.SourceAssetId, moved.Id)]);
    }

    [Fact]
    public async Task Run_HandsOverEachBatchsRawRecordsWithItsQuotes()
    {
        var records = Enumerable.Range(0, 7).Select(i => (SourceItem)ScriptedSource.Record(i, $"S{i}")).ToList();

        await Runner(batchSize: 3).RunAsync(new ScriptedSource("csv", records), Command(), CancellationToken.None);

        _store.StoredBatches.Select(b => string.Join(' ', b.Raw)).ShouldBe(["file.csv:1 file.csv:2 file.csv:3", "file.csv:4 file.csv:5 file.csv:6", "file.csv:7"]);
        _store.StoredBatches.Select(b => string.Join(' ', b.Quotes)).ShouldBe(["S0 S1 S2", "S3 S4 S5", "S6"]);
    }

    [Theory]
    [InlineData(2, 3, 2)] // the source wants fewer than the setting: its size wins
    [InlineData(10, 3, 3)] // the setting is smaller: it caps the source's wish
    [InlineData(4, 10, 4)]
    public async Task Run_CutsBatchesAtTheSmallerOfTheSettingAndTheSourcesPreference(int preferred, int setting, int expectedBatchSize)
    {
        var source = new ScriptedSource("coinpaprika", Records(7)) { PreferredBatchSize = preferred };

        var result = await Runner(batchSize: setting).RunAsync(source, Command(), CancellationToken.None);

        result.Counts.ShouldBe(new RunCounts(7, 7, 0, 0));
        var batches = (7 + expectedBatchSize - 1) / expectedBatchSize;
        _store.StoredBatches.Count.ShouldBe(batches);
        _store.IdentityLoads.ShouldBe(1, "one identity decision (the key is then known)");
        _store.Checkpoints.Select(c => c.Rows).ShouldBe(Enumerable.Range(1, batches).Select(b => (long)Math.Min(7, b * expectedBatchSize)));
    }

    [Fact]
    public async Task Run_WhenCheckpointsComeOnDemand_AsksOnlyForTheOneThatEndsEachBatch()
    {
        var asked = new List<int>();
        SourceItem OnDemand(int row, bool last)
        {
            var record = ScriptedSource.Record(row);
            return last
                ? record
                : record with
                {
                    CheckpointAfter = null,
                    CheckpointOnDemand = () =>
                    {
                        asked.Add(row);
                        return ScriptedSource.Record(row).CheckpointAfter!;
                    },
                };
        }

        var items = Enumerable.Range(0, 7).Select(i => OnDemand(i, last: i == 6)).ToList();

        var result = await Runner(batchSize: 3).RunAsync(new ScriptedSource("csv", items), Command(), CancellationToken.None);

        result.Status.ShouldBe(SourceRunStatus.Succeeded);
        asked.ShouldBe([2, 5], "rows 3 and 6 end the first two batches; the last row carries its checkpoint");
        _store.Checkpoints.Select(c => c.Rows).ShouldBe([3L, 6L, 7L]);
    }

    [Fact]
    public async Task Run_WhenRecordsRepeatAKey_CountsTheRepeatsAsSkipped()
    {
        var items = new List<SourceItem> { ScriptedSource.Record(0), ScriptedSource.Record(0), ScriptedSource.Record(1) };

        var result = await Runner(batchSize: 10).RunAsync(new ScriptedSource("csv", items), Command(), CancellationToken.None);

        result.Counts.ShouldBe(new RunCounts(3, 2, 1, 0));
    }

    [Fact]
    public async Task Run_WhenTheSourceSkipsUnchangedRecords_CountsThemReadAndSkipped()
    {
        var items = new List<SourceItem> { new SourceSkipped("old.csv", 500, "file unchanged"), ScriptedSource.Record(0) };

        var result = await Runner().RunAsync(new ScriptedSource("csv", items), Command(), CancellationToken.None);

        result.Counts.ShouldBe(new RunCounts(501, 1, 500, 0));
        result.Counts.IsBalanced.ShouldBeTrue();
    }

    [Fact]
    public async Task Run_RejectsBadRecordsWithEveryReasonAndKeepsGoing()
    {
        var items = new List<SourceItem>
        {
            ScriptedSource.Record(0),
            ScriptedSource.Record(1, symbol: " ", price: "-1", "market cap: '--x' is not a number"),
            ScriptedSource.Record(2),
        };

        var result = await Runner().RunAsync(new ScriptedSource("csv", items), Command(), CancellationToken.None);

        result.Status.ShouldBe(SourceRunStatus.Succeeded);
        result.Counts.ShouldBe(new RunCounts(3, 2, 0, 1));
        var rejection = _store.Rejections.ShouldHaveSingleItem();
        rejection.Reference.ShouldBe("file.csv:2");
        rejection.Reasons.ShouldBe(["market cap: '--x' is not a number", "symbol is empty", "price is negative"]);
    }

    [Fact]
    public async Task Run_WithFailAfter_CommitsExactlyThatManyRecordsAndFails()
    {
        var result = await Runner(batchSize: 3).RunAsync(new ScriptedSource("csv", Records(10)), Command(failAfter: 4), CancellationToken.None);

        result.Status.ShouldBe(SourceRunStatus.Failed);
        result.Error.ShouldBe("aborted by failure injection after committing 4 records (--fail-after 4)");
        result.Counts.Read.ShouldBe(4);
        _store.QuoteKeys.Count.ShouldBe(4);
        _store.Checkpoints.Last().Rows.ShouldBe(4);
    }

    [Fact]
    public async Task Run_WhenTheSourceStopsAnsweringAfterACommit_EndsPartialKeepingTheCheckpoint()
    {
        var source = new ScriptedSource("csv", Records(4), new SourceUnavailableException("HTTP 503 after 5 attempts"));

        var result = await Runner(batchSize: 2).RunAsync(source, Command(), CancellationToken.None);

        result.Status.ShouldBe(SourceRunStatus.Partial);
        result.Error.ShouldBe("source unavailable: HTTP 503 after 5 attempts");
        result.Counts.Loaded.ShouldBe(4);
        _store.Checkpoints.Last().Rows.ShouldBe(4);
    }

    [Fact]
    public async Task Run_WhenTheSourceFailsMidBatch_CommitsWhatItReadBeforeTheFailure()
    {
        var source = new ScriptedSource("csv", Records(5), new SourceUnavailableException("body cut short"));

        var result = await Runner(batchSize: 100).RunAsync(source, Command(), CancellationToken.None);

        result.Status.ShouldBe(SourceRunStatus.Partial);
        result.Counts.ShouldBe(new RunCounts(5, 5, 0, 0));
        _store.QuoteKeys.Count.ShouldBe(5);
        _store.Checkpoints.Last().Rows.ShouldBe(5);
    }

    [Fact]
    public async Task Run_WhenTheSourceFailsBeforeAnything_Fails()
    {
        var source = new ScriptedSource("csv", [], new SourceUnavailableException("connection refused"));

        var result = await Runner().RunAsync(source, Command(), CancellationToken.None);

        result.Status.ShouldBe(SourceRunStatus.Failed);
        _store.Runs.Single().Status.ShouldBe(RunStatus.Failed);
    }

    [Fact]
    public async Task Run_WhenTheSourceIsLocked_ReportsBusyAndOpensNoRun()
    {
        _lock.Busy = true;

        var result = await Runner().RunAsync(new ScriptedSource("csv", Records(1)), Command(), CancellationToken.None);

        result.Status.ShouldBe(SourceRunStatus.Busy);
        _store.Runs.ShouldBeEmpty();
    }

    [Fact]
    public async Task Run_GivesTheSourceItsCheckpointsAndOverrides()
    {
        _store.Checkpoints.Add(new Checkpoint("csv", "file.csv", 2, 300, 30, "{}"));
        var source = new ScriptedSource("csv", []);

        await Runner().RunAsync(source, Command() with { CsvPath = "/tmp/x.csv" }, CancellationToken.None);

        source.LastContext!.Checkpoints["file.csv"].Position.ShouldBe(300);
        source.LastContext.Overrides.CsvPath.ShouldBe("/tmp/x.csv");
    }

    [Fact]
    public async Task Run_ResolvesOneAssetForOneCoinAcrossBatches()
    {
        await Runner(batchSize: 2).RunAsync(new ScriptedSource("csv", Records(5)), Command(), CancellationToken.None);

        _store.Assets.Count.ShouldBe(1);
        _store.Mappings.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Run_WhenAKeyIsNew_LooksItUpOnceAndRemembersItAcrossRuns()
    {
        List<SourceItem> items = [ScriptedSource.Record(0), ScriptedSource.Record(1, symbol: "ETH"), ScriptedSource.Record(2), ScriptedSource.Record(3, symbol: "ETH")];

        await Runner(batchSize: 1).RunAsync(new ScriptedSource("csv", items), Command(), CancellationToken.None);
        var second = await Runner(batchSize: 1).RunAsync(new ScriptedSource("csv", [ScriptedSource.Record(9), ScriptedSource.Record(10, symbol: "ETH")]), Command(), CancellationToken.None);

        second.Status.ShouldBe(SourceRunStatus.Succeeded);
        _store.IdentityLoads.ShouldBe(2, "BTC and ETH are each looked up when first met, and never again");
        _identities.Count.ShouldBe(2);
        _store.Mappings.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Run_WhenAKnownAssetShowsALargerMarketCap_WritesItWithoutALookUp()
    {
        List<SourceItem> items = [ScriptedSource.Record(0, "BTC", "100", marketCap: 10m), ScriptedSource.Record(1, "BTC", "100", marketCap: 30m), ScriptedSource.Record(2, "BTC", "100", marketCap: 20m)];

        await Runner(batchSize: 1).RunAsync(new ScriptedSource("csv", items), Command(), CancellationToken.None);

        _store.IdentityLoads.ShouldBe(1);
        _store.AssetWrites.Select(w => w.MarketCapUsd).ShouldBe([10m, 30m], "a smaller market cap changes nothing and is not written");
        _store.AssetWrites.Select(w => w.Id).Distinct().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Run_WhenItFailsUnexpectedly_ForgetsTheIdentitiesItKnew()
    {
        await Runner().RunAsync(new ScriptedSource("csv", Records(2)), Command(), CancellationToken.None);
        _identities.Count.ShouldBe(1);

        var failed = await Runner().RunAsync(new ScriptedSource("csv", [], new InvalidOperationException("the database is not what it was")), Command(), CancellationToken.None);

        failed.Status.ShouldBe(SourceRunStatus.Failed);
        _identities.Count.ShouldBe(0, "a database restored under the process must not be written with identities it no longer holds");
    }
}
