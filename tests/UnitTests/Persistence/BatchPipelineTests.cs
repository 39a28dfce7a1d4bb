using System.Globalization;
using Kasparro.Domain.Ingestion;
using Kasparro.Infrastructure.Persistence.Ingestion;
using static Kasparro.UnitTests.Persistence.ScriptedBatchSteps;

namespace Kasparro.UnitTests.Persistence;

/// <summary>
/// The order <see cref="BatchPipeline"/> gives the steps of a run's batches. The scripted steps complete at once unless
/// held, so what a hand-over starts has happened by the time it returns.
/// </summary>
public sealed class BatchPipelineTests
{
    private readonly ScriptedBatchSteps _steps = new();
    private readonly List<RunCounts> _stored = [];

    private BatchPipeline Pipeline() => new(_steps, _stored.Add);

    [Fact]
    public async Task Write_LandsEachBatchsRawRowsInALandingThatCommitsBeforeTheBatch()
    {
        await using (var pipeline = Pipeline())
        {
            foreach (var rows in new[] { new[] { 0, 1, 2 }, [3, 4, 5], [6] })
            {
                await pipeline.WriteAsync(
                    Batch([.. rows.Select(i => $"file.csv:{i + 1}")], [.. rows.Select(i => $$"""{"row":{{i}}}""")], [.. rows.Select(i => $"S{i}")]),
                    CancellationToken.None);
            }

            await pipeline.FlushAsync(CancellationToken.None);
        }

        var log = _steps.CommitLog;
        log.Where(c => c.Landing).Select(c => string.Join(' ', c.Raw)).ShouldBe(
            ["file.csv:1 file.csv:2 file.csv:3", "file.csv:4 file.csv:5 file.csv:6", "file.csv:7"], ignoreOrder: true);
        log.Where(c => c.Landing).ShouldAllBe(c => c.Quotes.Count == 0, "a landing holds raw rows only");
        log.Where(c => !c.Landing).ShouldAllBe(c => c.Raw.Count == 0, "raw rows never wait for a durable commit of their own");
        var data = log.Select((c, at) => (c, at)).Where(x => x.c.Quotes.Count > 0).ToList();
        data.Select(x => string.Join(' ', x.c.Quotes)).ShouldBe(["S0 S1 S2", "S3 S4 S5", "S6"]);
        foreach (var (commit, at) in data)
        {
            var landedAt = log.FindIndex(c => c.Landing && c.Raw.Count == commit.Quotes.Count
                && c.Raw.SequenceEqual(commit.Quotes.Select(q => $"file.csv:{int.Parse(q[1..], CultureInfo.InvariantCulture) + 1}")));
            landedAt.ShouldBeInRange(0, at - 1, $"the landing of {string.Join(' ', commit.Quotes)} commits before its batch, whose durable commit makes it durable");
        }

        _stored.ShouldBe([new RunCounts(3, 3, 0, 0), new RunCounts(3, 3, 0, 0), new RunCounts(1, 1, 0, 0)]);
    }

    [Fact]
    public async Task Write_WhileItsLandingIsHeld_WritesTheBatchButCommitsItOnlyAfterTheLanding()
    {
        var landing = Hold(_steps.HeldLandings, "A");
        await using var pipeline = Pipeline();

        await pipeline.WriteAsync(Batch("A", "a", "x"), CancellationToken.None);
        var whileHeld = _steps.Events;
        landing.SetResult();
        await pipeline.FlushAsync(CancellationToken.None);

        whileHeld.ShouldBe(["landing A", "written A"], "its quotes are written while its raw rows land");
        _steps.Events.ShouldBe(["landing A", "written A", "landed A", "committed A"]);
    }

    [Fact]
    public async Task Write_TwoBatchesInFlight_CommitInTheOrderHandedOver()
    {
        var firstCommit = Hold(_steps.HeldCommits, "A");
        await using var pipeline = Pipeline();
        await pipeline.WriteAsync(Batch("A", "a", "x"), CancellationToken.None);

        var handingOver = pipeline.WriteAsync(Batch("B", "b", "y"), CancellationToken.None);
        var (whileHeld, handedOverWhileHeld) = (_steps.Events, handingOver.IsCompleted);
        firstCommit.SetResult();
        await handingOver;
        await pipeline.FlushAsync(CancellationToken.None);

        whileHeld.ShouldBe(["landing A", "landed A", "written A", "landing B", "landed B", "written B"], "the second batch is written while the first commits");
        handedOverWhileHeld.ShouldBeFalse("a third batch waits until the first is stored");
        _steps.Events.Where(e => e.StartsWith("committed", StringComparison.Ordinal)).ShouldBe(["committed A", "committed B"]);
    }

    [Fact]
    public async Task Write_WhenBatchesShareAQuoteKey_WritesTheLaterOneOnlyOnceTheEarlierIsStored()
    {
        var firstCommit = Hold(_steps.HeldCommits, "A");
        await using var pipeline = Pipeline();
        await pipeline.WriteAsync(Batch("A", "a", "x", "shared"), CancellationToken.None);

        var handingOver = pipeline.WriteAsync(Batch("B", "b", "shared"), CancellationToken.None);
        var whileHeld = _steps.Events;
        firstCommit.SetResult();
        await handingOver;
        await pipeline.FlushAsync(CancellationToken.None);

        whileHeld.ShouldNotContain("written B", "its rows would wait on the earlier batch's uncommitted key");
        whileHeld.ShouldContain("landed B", "its raw rows share nothing and land meanwhile");
        _steps.Events.IndexOf("written B").ShouldBeGreaterThan(_steps.Events.IndexOf("committed A"));
    }

    [Fact]
    public async Task Write_WhenBatchesRejectTheSameContent_WritesTheLaterOneOnlyOnceTheEarlierIsStored()
    {
        var firstCommit = Hold(_steps.HeldCommits, "A");
        await using var pipeline = Pipeline();
        await pipeline.WriteAsync(Rejecting("A", "bad row"), CancellationToken.None);

        var handingOver = pipeline.WriteAsync(Rejecting("B", "bad row"), CancellationToken.None);
        var whileHeld = _steps.Events;
        firstCommit.SetResult();
        await handingOver;
        await pipeline.FlushAsync(CancellationToken.None);

        whileHeld.ShouldNotContain("written B", "its rejection would wait on the earlier batch's uncommitted one");
        _steps.Events.IndexOf("written B").ShouldBeGreaterThan(_steps.Events.IndexOf("committed A"));
    }

    [Fact]
    public async Task Write_WhenBatchesRejectDifferentContents_OverlapsThem()
    {
        var firstCommit = Hold(_steps.HeldCommits, "A");
        await using var pipeline = Pipeline();
        await pipeline.WriteAsync(Rejecting("A", "bad row"), CancellationToken.None);

        var handingOver = pipeline.WriteAsync(Rejecting("B", "another bad row"), CancellationToken.None);
        var (whileHeld, handedOverWhileHeld) = (_steps.Events, handingOver.IsCompleted);
        firstCommit.SetResult();
        await handingOver;
        await pipeline.FlushAsync(CancellationToken.None);

        whileHeld.ShouldContain("written B", "rejections of other contents hold no key the earlier batch inserts");
        handedOverWhileHeld.ShouldBeFalse();
        _steps.Events.Where(e => e.StartsWith("committed", StringComparison.Ordinal)).ShouldBe(["committed A", "committed B"]);
    }

    [Fact]
    public async Task Write_WhenLandingsShareContent_StartsTheLaterOneAfterTheEarlier()
    {
        var firstLanding = Hold(_steps.HeldLandings, "A");
        await using var pipeline = Pipeline();
        await pipeline.WriteAsync(Batch("A", "same content", "x"), CancellationToken.None);

        var handingOver = pipeline.WriteAsync(Batch("B", "same content", "y"), CancellationToken.None);
        var whileHeld = _steps.Events;
        firstLanding.SetResult();
        await handingOver;
        await pipeline.FlushAsync(CancellationToken.None);

        whileHeld.ShouldNotContain("landing B", "two landings of the same content keys could each wait on the other");
        _steps.Events.IndexOf("landing B").ShouldBeGreaterThan(_steps.Events.IndexOf("landed A"));
    }

    [Fact]
    public async Task Write_WhenABatchFails_TheNextRollsBackAndTheFailureSurfaces()
    {
        var failure = new InvalidOperationException("the write failed");
        _steps.FailingWrites["A"] = failure;
        var pipeline = Pipeline();
        await pipeline.WriteAsync(Batch("A", "a", "x"), CancellationToken.None);

        var thrown = await Should.ThrowAsync<InvalidOperationException>(() => pipeline.WriteAsync(Batch("B", "b", "y"), CancellationToken.None));
        await Should.ThrowAsync<InvalidOperationException>(() => pipeline.FlushAsync(CancellationToken.None));
        await pipeline.DisposeAsync();

        thrown.ShouldBeSameAs(failure);
        _steps.Events.ShouldContain("rolled back B");
        _steps.Events.ShouldNotContain(e => e.StartsWith("committed", StringComparison.Ordinal));
        _stored.ShouldBeEmpty();
    }

    [Fact]
    public async Task Dispose_WaitsForTheBatchInFlight()
    {
        var commit = Hold(_steps.HeldCommits, "A");
        var pipeline = Pipeline();
        await pipeline.WriteAsync(Batch("A", "a", "x"), CancellationToken.None);

        var disposing = pipeline.DisposeAsync().AsTask();

        disposing.IsCompleted.ShouldBeFalse();
        commit.SetResult();
        await disposing;
        _steps.Events.ShouldContain("committed A");
        _stored.ShouldHaveSingleItem();
    }

    private static TaskCompletionSource Hold(Dictionary<string, TaskCompletionSource> steps, string label)
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        steps[label] = held;
        return held;
    }
}
