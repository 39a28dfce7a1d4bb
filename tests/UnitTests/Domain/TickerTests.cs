using Kasparro.Domain.Markets;

namespace Kasparro.UnitTests.Domain;

public sealed class TickerTests
{
    private static readonly TickerAliases Aliases = new([new("XBT", "BTC")]);

    [Theory]
    [InlineData("btc", "BTC")]
    [InlineData("  eth \t", "ETH")]
    [InlineData("cUSD", "CUSD")]
    [InlineData("renBTC", "RENBTC")]
    [InlineData("BOB 2.0", "BOB 2.0")]
    [InlineData("\u200b\u200bsol", "SOL")]
    public void Parse_WhenSymbolIsUsable_TrimsAndUpperCases(string symbol, string expected)
    {
        var ticker = Ticker.Parse(symbol, Aliases);

        ticker.IsValid.ShouldBeTrue();
        ticker.Value.Value.ShouldBe(expected);
    }

    [Theory]
    [InlineData("xbt")]
    [InlineData(" XBT ")]
    public void Parse_WhenSymbolIsAnAlias_ReturnsTheAliasedTicker(string symbol)
    {
        Ticker.Parse(symbol, Aliases).Value.Value.ShouldBe("BTC");
    }

    [Fact]
    public void Parse_WhenNoAliasTable_KeepsXbt()
    {
        Ticker.Parse("xbt", TickerAliases.None).Value.Value.ShouldBe("XBT");
    }

    [Fact]
    public void Parse_WhenUpperCasing_UsesInvariantCulture()
    {
        // Turkish-culture upper-casing would turn 'i' into a dotted capital I.
        Ticker.Parse("inj", Aliases).Value.Value.ShouldBe("INJ");
    }

    [Theory]
    [InlineData(null, "symbol is missing")]
    [InlineData("", "symbol is empty")]
    [InlineData("   ", "symbol is empty")]
    [InlineData("\u200b", "symbol is empty")]
    [InlineData("BT\u0007C", "symbol contains a control character")]
    [InlineData("B\nTC", "symbol contains a control character")]
    [InlineData("\u0000BTC\u0000", "symbol contains a control character")]
    public void Parse_WhenSymbolIsUnusable_ReturnsTheReason(string? symbol, string reason)
    {
        var ticker = Ticker.Parse(symbol, Aliases);

        ticker.IsValid.ShouldBeFalse();
        ticker.Error.ShouldBe(reason);
    }

    [Fact]
    public void Parse_WhenSymbolHas32Characters_Accepts()
    {
        Ticker.Parse(new string('A', 32), Aliases).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Parse_WhenSymbolHas33Characters_Rejects()
    {
        var ticker = Ticker.Parse(new string('A', 33), Aliases);

        ticker.IsValid.ShouldBeFalse();
        ticker.Error.ShouldBe("symbol is longer than 32 characters");
    }
}
