using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Kasparro.WebApi.Cli;
using Spectre.Console;

namespace Kasparro.UnitTests.WebApi.Cli;

/// <summary>What the progress display draws from what the sources and the runner report.</summary>
public sealed class ConsoleProgressTests
{
    private static readonly Guid RunId = Guid.CreateVersion7();
    private readonly List<ProgressTask> _tasks = [];
    private readonly ConsoleProgress _progress = new();
    private int _refreshes;

    public ConsoleProgressTests() => _progress.Attach(description => Add(description), () => _refreshes++);

    private ProgressTask Add(string description)
    {
        var task = new ProgressTask(_tasks.Count, description, 100);
        _tasks.Add(task);
        return task;
    }

    [Fact]
    public void BytesOfAKnownTotal_DrawADeterminateBarAndTheAmount()
    {
        _progress.Advanced("csv", RunId, 12_345_678, 40_000_000, ProgressUnit.Bytes);

        var task = _tasks.ShouldHaveSingleItem();
        task.IsIndeterminate.ShouldBeFalse();
        task.MaxValue.ShouldBe(40_000_000);
        task.Value.ShouldBe(12_345_678);
        task.Description.ShouldBe("csv: 12.3 MB of 40.0 MB (30%); read 0, loaded 0, skipped 0, rejected 0");
    }

    [Fact]
    public void PagesAndCommittedCounts_ShareTheSourcesLine()
    {
        _progress.Advanced("coingecko", RunId, 0, 4, ProgressUnit.Pages);
        _progress.BatchCommitted("coingecko", RunId, new RunCounts(1_500, 1_480, 0, 20));
        _progress.Advanced("coingecko", RunId, 2, 4, ProgressUnit.Pages);

        var task = _tasks.ShouldHaveSingleItem();
        (task.Value, task.MaxValue, task.IsIndeterminate).ShouldBe((2, 4, false));
        task.Description.ShouldBe("coingecko: 2 of 4 pages (50%); read 1,500, loaded 1,480, skipped 0, rejected 20");
        _refreshes.ShouldBe(1, "a committed batch redraws at once; reading progress waits for the display's own refresh");
    }

    [Fact]
    public void WithoutATotal_TheBarPulsesAndTheCountsShow()
    {
        _progress.BatchCommitted("csv", RunId, new RunCounts(10, 9, 0, 1));
        var task = _tasks.ShouldHaveSingleItem();
        task.IsIndeterminate.ShouldBeTrue();
        task.Description.ShouldBe("csv: read 10, loaded 9, skipped 0, rejected 1");

        _progress.Advanced("csv", RunId, 3, null, ProgressUnit.Pages);
        task.IsIndeterminate.ShouldBeTrue();
        task.Description.ShouldBe("csv: 3 pages; read 10, loaded 9, skipped 0, rejected 1");
    }

    [Fact]
    public void AFileThatGrewWhileRead_StaysWithinItsBar()
    {
        _progress.Advanced("csv", RunId, 1_500, 1_000, ProgressUnit.Bytes);

        var task = _tasks.ShouldHaveSingleItem();
        (task.Value, task.MaxValue).ShouldBe((1_000, 1_000));
        task.Description.ShouldStartWith("csv: 1.0 kB of 1.0 kB (100%)");
    }

    [Fact]
    public void AnEmptyInput_IsWhollyRead()
    {
        _progress.Advanced("csv", RunId, 0, 0, ProgressUnit.Bytes);

        var task = _tasks.ShouldHaveSingleItem();
        task.IsIndeterminate.ShouldBeFalse();
        task.Description.ShouldStartWith("csv: 0 B of 0 B (100%)");
    }

    [Fact]
    public void EachSource_HasItsOwnLine()
    {
        _progress.Advanced("csv", RunId, 10, 100, ProgressUnit.Bytes);
        _progress.Advanced("coinpaprika", RunId, 0, 1, ProgressUnit.Pages);
        _progress.Advanced("csv", RunId, 50, 100, ProgressUnit.Bytes);

        _tasks.Count.ShouldBe(2);
        _tasks[0].Description.ShouldStartWith("csv: 50 B of 100 B (50%)");
        _tasks[1].Description.ShouldStartWith("coinpaprika: 0 of 1 page (0%)");
    }

    [Fact]
    public void MarkupInAName_IsShownAsText()
    {
        _progress.BatchCommitted("[csv]", RunId, RunCounts.Zero);

        _tasks.ShouldHaveSingleItem().Description.ShouldStartWith("[[csv]]: read 0");
    }
}
