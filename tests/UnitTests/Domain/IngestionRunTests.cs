using Kasparro.Domain.Common;
using Kasparro.Domain.Ingestion;

namespace Kasparro.UnitTests.Domain;

public sealed class IngestionRunTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static IngestionRun NewRun() => IngestionRun.Start(Guid.NewGuid(), "csv", RunTrigger.Cli, T0);

    [Fact]
    public void Start_BeginsRunningWithZeroCounts()
    {
        var run = NewRun();

        run.Status.ShouldBe(RunStatus.Running);
        run.Counts.ShouldBe(RunCounts.Zero);
        run.FinishedAt.ShouldBeNull();
        run.DurationMs.ShouldBeNull();
    }

    [Fact]
    public void RecordBatch_AddsCounts()
    {
        var run = NewRun();

        run.RecordBatch(new RunCounts(10, 7, 2, 1));
        run.RecordBatch(new RunCounts(5, 5, 0, 0));

        run.Counts.ShouldBe(new RunCounts(15, 12, 2, 1));
        run.Counts.IsBalanced.ShouldBeTrue();
    }

    [Fact]
    public void Succeed_SetsFinishTimeAndDuration()
    {
        var run = NewRun();

        run.Succeed(T0.AddMilliseconds(1234));

        run.Status.ShouldBe(RunStatus.Succeeded);
        run.DurationMs.ShouldBe(1234);
        run.Error.ShouldBeNull();
    }

    [Fact]
    public void Complete_WhenAlreadyFailed_IsRefused()
    {
        var run = NewRun();
        run.Fail(T0.AddSeconds(1), "boom");

        Should.Throw<DomainRuleException>(() => run.Succeed(T0.AddSeconds(2)));
        run.Status.ShouldBe(RunStatus.Failed);
        run.Error.ShouldBe("boom");
    }

    [Fact]
    public void RecordBatch_WhenFinished_IsRefused()
    {
        var run = NewRun();
        run.Succeed(T0);

        Should.Throw<DomainRuleException>(() => run.RecordBatch(new RunCounts(1, 1, 0, 0)));
    }

    [Fact]
    public void EndPartial_WithoutAnError_IsRefused()
    {
        var run = NewRun();

        Should.Throw<DomainRuleException>(() => run.EndPartial(T0, " "));
        run.Status.ShouldBe(RunStatus.Running);
    }

    [Fact]
    public void Fail_TruncatesVeryLongErrors()
    {
        var run = NewRun();

        run.Fail(T0, new string('x', 5000));

        run.Error!.Length.ShouldBe(IngestionRun.MaxErrorLength);
    }

    [Fact]
    public void RecordBatch_WithNegativeCounts_IsRefused()
    {
        Should.Throw<DomainRuleException>(() => NewRun().RecordBatch(new RunCounts(1, -1, 2, 0)));
    }
}
