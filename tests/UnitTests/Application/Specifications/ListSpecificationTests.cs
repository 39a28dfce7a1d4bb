using Kasparro.Application.Assets;
using Kasparro.Application.Assets.Specifications;
using Kasparro.Application.Runs;
using Kasparro.Application.Runs.Specifications;
using Kasparro.Application.SchemaDrift;
using Kasparro.Application.SchemaDrift.Specifications;
using static Kasparro.UnitTests.Application.Runs.RunBuilder;

namespace Kasparro.UnitTests.Application.Specifications;

/// <summary>The query rules of the runs, schema drift and assets lists, run in memory by Ardalis' evaluator.</summary>
public sealed class ListSpecificationTests
{
    private static readonly List<RunDto> Runs =
    [
        Run(id: Id(1), source: "csv", startedAt: T0),
        Run(id: Id(2), source: "coingecko", startedAt: T0.AddMinutes(5)),
        Run(id: Id(3), source: "csv", startedAt: T0.AddMinutes(5)),
        Run(id: Id(4), source: "coinpaprika", startedAt: T0.AddMinutes(9)),
        Run(id: Id(5), source: "csv", startedAt: T0.AddMinutes(1)),
    ];

    [Fact]
    public void Runs_AreNewestFirst_TiesBrokenByTheLargerId_AndFilteredBySource()
    {
        Ids(InMemory.Run(new RunPageSpecification([], 50, 0, null), Runs)).ShouldBe([4, 3, 2, 5, 1]);
        Ids(InMemory.Run(new RunPageSpecification(["csv", "coinpaprika"], 50, 0, null), Runs)).ShouldBe([4, 3, 5, 1]);
        Ids(InMemory.Run(new RunPageSpecification([], 2, 1, null), Runs)).ShouldBe([3, 2, 5]);
    }

    [Fact]
    public void Runs_KeysetPages_WalkEveryRunOnce()
    {
        var walked = new List<RunDto>();
        ListCursor<Guid>? after = null;
        while (true)
        {
            var rows = InMemory.Run(new RunPageSpecification([], 2, 0, after), Runs);
            walked.AddRange(rows.Take(2));
            if (rows.Count <= 2)
            {
                break;
            }

            after = new ListCursor<Guid>("any", rows[1].StartedAt, rows[1].Id);
        }

        Ids(walked).ShouldBe([4, 3, 2, 5, 1]);
    }

    [Fact]
    public void DriftEvents_AreNewestFirst_AndContinueAfterAPosition()
    {
        List<SchemaDriftEventDto> events = [Event(1, "csv", T0), Event(2, "coingecko", T0.AddHours(1)), Event(3, "coingecko", T0.AddHours(1)), Event(4, "csv", T0.AddHours(2))];

        InMemory.Run(new SchemaDriftPageSpecification([], 50, 0, null), events).Select(e => e.Id).ShouldBe([4L, 3, 2, 1]);
        InMemory.Run(new SchemaDriftPageSpecification(["coingecko"], 50, 0, null), events).Select(e => e.Id).ShouldBe([3L, 2]);
        InMemory.Run(new SchemaDriftPageSpecification([], 1, 0, new ListCursor<long>("any", T0.AddHours(1), 3)), events).Select(e => e.Id).ShouldBe([2L, 1]);
    }

    [Fact]
    public void Assets_AreLargestMarketCapFirst_WithoutACapLast_ThenByTickerAndId()
    {
        List<AssetSummary> assets = [Asset(1, "UNI", 5m), Asset(2, "BTC", null), Asset(3, "ETH", 400m), Asset(4, "AAVE", null), Asset(5, "UNI", 5m)];

        InMemory.Run(new AssetPageSpecification([], 100, 0), assets).Select(a => a.Id).ShouldBe([Id(3), Id(1), Id(5), Id(4), Id(2)]);
        InMemory.Run(new AssetPageSpecification(["UNI", "BTC"], 100, 0), assets).Select(a => a.Id).ShouldBe([Id(1), Id(5), Id(2)]);
        InMemory.Run(new AssetPageSpecification([], 2, 1), assets).Select(a => a.Id).ShouldBe([Id(1), Id(5)]);
        InMemory.Run(new AssetByIdSpecification(Id(4)), assets).ShouldHaveSingleItem().Ticker.ShouldBe("AAVE");
    }

    private static Guid Id(int n) => Guid.Parse($"0195f3c1-0000-7000-8000-{n:D12}");

    private static List<int> Ids(IEnumerable<RunDto> runs) => [.. runs.Select(r => int.Parse(r.Id.ToString()[^12..], System.Globalization.CultureInfo.InvariantCulture))];

    private static SchemaDriftEventDto Event(long id, string source, DateTimeOffset at) => new()
    {
        Id = id,
        Source = source,
        RunId = Guid.Empty,
        Stream = "listing",
        ExpectedField = "price",
        ObservedField = null,
        Confidence = 0m,
        Action = "rejected",
        Message = "no price",
        DetectedAt = at,
    };

    private static AssetSummary Asset(int id, string ticker, decimal? cap) => new()
    {
        Id = Id(id),
        Ticker = ticker,
        Name = null,
        MarketCapUsd = cap,
        Primary = true,
    };
}
