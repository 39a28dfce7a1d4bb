using Kasparro.Domain.Assets;
using Kasparro.Domain.Markets;

namespace Kasparro.UnitTests.Domain;

public sealed class OneIdPerCatalogTests
{
    [Fact]
    public void Violations_GroupsTheIdsOfEachCatalogHeldTwice_AndLeavesCsvOut()
    {
        SourceKey[] keys =
        [
            new(SourceNames.CoinPaprika, "luna-terra-v2"),
            new(SourceNames.CoinPaprika, "luna-terra"),
            new(SourceNames.CoinGecko, "terra-luna-2"),
            new(SourceNames.Csv, "LUNA"),
            new(SourceNames.Csv, "terra"),
        ];

        var violations = OneIdPerCatalog.Violations(keys);

        violations.ShouldHaveSingleItem().ShouldBe([new SourceKey(SourceNames.CoinPaprika, "luna-terra"), new SourceKey(SourceNames.CoinPaprika, "luna-terra-v2")]);
    }

    [Fact]
    public void Violations_OfOneIdPerCatalog_AreNone()
    {
        OneIdPerCatalog.Violations([new(SourceNames.CoinPaprika, "btc-bitcoin"), new(SourceNames.CoinGecko, "bitcoin"), new(SourceNames.CoinGecko, "bitcoin")])
            .ShouldBeEmpty("the same id twice is one id");
    }
}
