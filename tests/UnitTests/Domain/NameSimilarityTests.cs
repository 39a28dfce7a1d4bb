using Kasparro.Domain.Assets;

namespace Kasparro.UnitTests.Domain;

public sealed class NameSimilarityTests
{
    [Theory]
    [InlineData("Bitcoin", "bitcoin")]
    [InlineData("\u200b\u200bStable", "stable")]
    [InlineData("İstanbul Başakşehir Fan Token", "istanbulbasaksehirfantoken")]
    [InlineData("Moonaï", "moonai")]
    [InlineData("Shopping.io", "shoppingio")]
    public void Normalize_DropsCaseMarksPunctuationAndInvisibleCharacters(string name, string expected)
    {
        NameSimilarity.Normalize(name).ShouldBe(expected);
    }

    [Fact]
    public void Score_WhenEqual_IsOne()
    {
        NameSimilarity.Score("bitcoin", "bitcoin").ShouldBe(1m);
    }

    [Fact]
    public void Score_WhenOneAddsAQuoteCurrency_StaysAboveTheDefaultThreshold()
    {
        NameSimilarity.Score("bitcoinusd", "bitcoin").ShouldBeGreaterThanOrEqualTo(IdentityResolver.DefaultNameThreshold);
    }

    [Theory]
    [InlineData("uniswap", "universe")]
    [InlineData("uniswap", "unicoin")]
    [InlineData("weth", "binancepegweth")]
    [InlineData("hex", "hexfrompulsechain")]
    public void Score_WhenDifferentCoinsShareATicker_StaysBelowTheDefaultThreshold(string a, string b)
    {
        NameSimilarity.Score(a, b).ShouldBeLessThan(IdentityResolver.DefaultNameThreshold);
    }

    [Fact]
    public void Score_IsSymmetric()
    {
        NameSimilarity.Score("ethereum", "ethereumclassic").ShouldBe(NameSimilarity.Score("ethereumclassic", "ethereum"));
    }
}
