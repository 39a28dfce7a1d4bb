using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;

namespace Kasparro.UnitTests.Domain;

public sealed class QuoteRulesTests
{
    private static readonly DateTimeOffset Observed = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private static readonly TickerAliases Aliases = new([new("XBT", "BTC")]);

    private static RecordFields Fields(
        string? symbol = "btc",
        string? name = "Bitcoin",
        decimal? price = 87000m,
        decimal? marketCap = 1_700_000_000_000m,
        decimal? volume = 1m,
        DateTimeOffset? observed = null,
        string? id = null) =>
        new(id, symbol, name, price, marketCap, volume, -1.5m, observed ?? Observed, Observed.AddHours(1));

    [Fact]
    public void Normalize_WhenValid_ReturnsTheUnifiedRecord()
    {
        var (record, reasons) = QuoteRules.Normalize(Fields(symbol: "xbt", price: 0.0000000015m), Aliases);

        reasons.ShouldBeEmpty();
        record!.Ticker.Value.ShouldBe("BTC");
        record.SourceAssetId.ShouldBe("BTC");
        record.PriceUsd.ShouldBe(0.0000000015m);
        record.PercentChange24h.ShouldBe(-1.5m);
    }

    [Fact]
    public void Normalize_WhenTheSourceHasAnId_KeepsIt()
    {
        QuoteRules.Normalize(Fields(id: "btc-bitcoin"), Aliases).Record!.SourceAssetId.ShouldBe("btc-bitcoin");
    }

    [Fact]
    public void Normalize_WhenSeveralRulesBreak_ReportsEveryReason()
    {
        var (record, reasons) = QuoteRules.Normalize(
            Fields(symbol: "  ", price: -3m, marketCap: -1m, volume: -2m, observed: null) with { ObservedAt = null },
            Aliases);

        record.ShouldBeNull();
        reasons.ShouldBe(
        [
            "symbol is empty",
            "price is negative",
            "market cap is negative",
            "24h volume is negative",
            "timestamp is missing",
        ]);
    }

    [Fact]
    public void Normalize_WhenPriceMissing_SaysSo()
    {
        QuoteRules.Normalize(Fields(price: null), Aliases).Reasons.ShouldBe(["price is missing"]);
    }

    [Fact]
    public void Normalize_WhenTheSourceCouldNotReadAField_DoesNotAlsoCallItMissing()
    {
        var fields = Fields(price: null) with { ObservedAt = null, Unreadable = QuoteFields.Price | QuoteFields.Timestamp };

        var (record, reasons) = QuoteRules.Normalize(fields, Aliases);

        record.ShouldBeNull();
        reasons.ShouldBeEmpty();
    }

    [Fact]
    public void Normalize_CleansInvisibleCharactersFromNames()
    {
        QuoteRules.Normalize(Fields(name: "\u200b\u200bStable "), Aliases).Record!.Name.ShouldBe("Stable");
    }

    [Fact]
    public void Normalize_TurnsControlCharactersInNamesIntoSpaces()
    {
        QuoteRules.Normalize(Fields(name: "Bit\tcoin\r\nCash\u0000"), Aliases).Record!.Name.ShouldBe("Bit coin Cash");
    }

    [Fact]
    public void Normalize_WhenTheSourceIdHasAControlCharacter_Rejects()
    {
        QuoteRules.Normalize(Fields(id: "btc\u0000bitcoin"), Aliases).Reasons.ShouldBe(["source asset id contains a control character"]);
    }

    [Fact]
    public void Normalize_StoresTimesInUtc()
    {
        var local = new DateTimeOffset(2026, 11, 20, 3, 0, 0, TimeSpan.FromHours(3));

        QuoteRules.Normalize(Fields(observed: local), Aliases).Record!.ObservedAt.Offset.ShouldBe(TimeSpan.Zero);
    }
}
