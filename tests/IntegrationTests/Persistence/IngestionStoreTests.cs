using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;
using Kasparro.Infrastructure.Persistence;
using Kasparro.IntegrationTests.Fixtures;
using static Kasparro.IntegrationTests.Persistence.TestData;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>Runs, checkpoints and aliases. Each test uses a source name of its own: runs are kept per source.</summary>
public sealed class IngestionStoreTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private readonly PostgresIngestionStore _store = new(db.Database);

    [Fact]
    public async Task FindRunningRun_ReturnsTheNewestRunningRunOfTheSource()
    {
        var older = Run("find-src", T0);
        var newer = Run("find-src", T0.AddMinutes(5));
        var finished = Run("find-src", T0.AddMinutes(10));
        finished.Succeed(T0.AddMinutes(11));
        foreach (var run in new[] { older, newer, finished })
        {
            await _store.AddRunAsync(run, CancellationToken.None);
        }

        var found = await _store.FindRunningRunAsync("find-src", CancellationToken.None);

        found.ShouldNotBeNull();
        found.Id.ShouldBe(newer.Id);
        found.Status.ShouldBe(RunStatus.Running);
        found.Trigger.ShouldBe(RunTrigger.Cli);
        found.StartedAt.ShouldBe(newer.StartedAt);
        (await _store.FindRunningRunAsync("nobody", CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task SaveRun_StoresTheOutcomeAndCounts()
    {
        var run = Run("save-src", T0);
        await _store.AddRunAsync(run, CancellationToken.None);
        run.RecordBatch(new RunCounts(10, 6, 3, 1));
        run.EndPartial(T0.AddSeconds(2.5), "source unavailable: 503");

        await _store.SaveRunAsync(run, CancellationToken.None);

        (await db.ScalarAsync<string>("SELECT status FROM etl_runs WHERE id = $1", run.Id)).ShouldBe("partial");
        (await db.ScalarAsync<long>("SELECT duration_ms FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(2500);
        (await db.ScalarAsync<long>("SELECT loaded_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(6);
        (await db.ScalarAsync<string>("SELECT error_message FROM etl_runs WHERE id = $1", run.Id)).ShouldBe("source unavailable: 503");
        (await db.ScalarAsync<DateTime>("SELECT finished_at FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(T0.AddSeconds(2.5).UtcDateTime);
    }

    [Fact]
    public async Task SaveRun_WhenTheRunWasNeverAdded_Throws()
    {
        var run = Run("ghost-src", T0);
        run.Succeed(T0.AddSeconds(1));

        await Should.ThrowAsync<InvalidOperationException>(() => _store.SaveRunAsync(run, CancellationToken.None));
    }

    [Fact]
    public async Task CloseAbandonedRuns_FailsEveryRunningRunOfThatSourceOnly()
    {
        var first = Run("abandon-src", T0);
        var second = Run("abandon-src", T0.AddMinutes(1));
        var otherSource = Run("abandon-other", T0);
        foreach (var run in new[] { first, second, otherSource })
        {
            await _store.AddRunAsync(run, CancellationToken.None);
        }

        var closed = await _store.CloseAbandonedRunsAsync("abandon-src", T0.AddMinutes(3), CancellationToken.None);

        closed.ShouldBe(2);
        (await db.ScalarAsync<string>("SELECT status FROM etl_runs WHERE id = $1", first.Id)).ShouldBe("failed");
        (await db.ScalarAsync<long>("SELECT duration_ms FROM etl_runs WHERE id = $1", first.Id)).ShouldBe(180_000);
        (await db.ScalarAsync<string>("SELECT error_message FROM etl_runs WHERE id = $1", second.Id)).ShouldBe(PostgresIngestionStore.AbandonedMessage);
        (await db.ScalarAsync<string>("SELECT status FROM etl_runs WHERE id = $1", otherSource.Id)).ShouldBe("running");
        (await _store.FindRunningRunAsync("abandon-src", CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task GetTickerAliases_ReadsTheSeededTable()
    {
        var aliases = await _store.GetTickerAliasesAsync(CancellationToken.None);

        aliases.Resolve("XBT").ShouldBe("BTC");
        aliases.Resolve("ETH").ShouldBe("ETH");
    }

    [Fact]
    public async Task GetCheckpoints_ReturnsTheSourcesCheckpointsOnly()
    {
        var run = Run(SourceNames.CoinPaprika, T0);
        await _store.AddRunAsync(run, CancellationToken.None);
        await db.Database.StoreBatchAsync(run, Batch(checkpoints: [Checkpoint("tickers", 3, 42, SourceNames.CoinPaprika, """{"cursor":"abc"}""")]));

        var checkpoints = await _store.GetCheckpointsAsync(SourceNames.CoinPaprika, CancellationToken.None);

        checkpoints.ShouldHaveSingleItem().ShouldBe(new Checkpoint(SourceNames.CoinPaprika, "tickers", 3, 42, 4, """{"cursor": "abc"}"""));
        (await _store.GetCheckpointsAsync(SourceNames.CoinGecko, CancellationToken.None)).ShouldBeEmpty();
    }
}
