using Kasparro.Domain.Assets;

namespace Kasparro.UnitTests.Domain;

public sealed class DistinguishingWordsTests
{
    [Theory]
    [InlineData("Bitcoin", new[] { "coin" })]
    [InlineData("Bitcoin Cash", new[] { "coin", "cash" })]
    [InlineData("BitcoinCash", new[] { "cash", "coin" })]
    [InlineData("Wrapped Bitcoin", new[] { "wrapped", "coin" })]
    [InlineData("Binance-Peg WETH", new[] { "binance", "peg" })]
    [InlineData("Binance Bridged USDC (BNB Smart Chain)", new[] { "binance", "bridged", "bnb", "chain" })]
    [InlineData("BOB 2.0", new[] { "20" })]
    [InlineData("Coin", new[] { "coin" })]
    public void Of_FindsListedWordsVersionsAndGluedSuffixes(string name, string[] expected)
    {
        DistinguishingWords.Of(name).ShouldBe(expected, ignoreOrder: true);
    }

    [Theory]
    [InlineData("Uniswap")]
    [InlineData("Tether USDt")]
    [InlineData("Shiba Inu")]
    public void Of_WhenANameHasNone_IsEmpty(string name)
    {
        DistinguishingWords.Of(name).ShouldBeEmpty();
    }

    [Fact]
    public void SplitWords_KeepsDottedWordsWholeAndNormalizesEach()
    {
        DistinguishingWords.SplitWords("İstanbul Başakşehir Fan-Token (v2.0) Shopping.io").ShouldBe(["istanbul", "basaksehir", "fan", "token", "v20", "shoppingio"]);
    }
}
