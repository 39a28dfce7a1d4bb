using Kasparro.Domain.Markets;

namespace Kasparro.UnitTests.Domain;

public sealed class PriceConsensusTests
{
    [Fact]
    public void OddCount_TakesTheMiddlePrice()
    {
        var consensus = PriceConsensus.Of([87_600m, 87_000m, 87_100m])!;

        consensus.MedianUsd.ShouldBe(87_100m);
        consensus.MinUsd.ShouldBe(87_000m);
        consensus.MaxUsd.ShouldBe(87_600m);
        consensus.SpreadUsd.ShouldBe(600m);
        consensus.SpreadPercent.ShouldBe(0.6889m);
        consensus.Sources.ShouldBe(3);
    }

    [Fact]
    public void EvenCount_TakesTheExactMeanOfTheMiddleTwo()
    {
        var consensus = PriceConsensus.Of([0.00000001m, 0.00000002m])!;

        consensus.MedianUsd.ShouldBe(0.000000015m);
        consensus.SpreadPercent.ShouldBe(66.6667m);
    }

    [Fact]
    public void OnePrice_IsItsOwnConsensus_WithNoSpread()
    {
        var consensus = PriceConsensus.Of([42.5m])!;

        consensus.MedianUsd.ShouldBe(42.5m);
        consensus.SpreadUsd.ShouldBe(0m);
        consensus.SpreadPercent.ShouldBe(0m);
    }

    [Fact]
    public void NoPrices_HaveNoConsensus() => PriceConsensus.Of([]).ShouldBeNull();

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NonPositivePrices_AreRefused(int price) =>
        Should.Throw<ArgumentOutOfRangeException>(() => PriceConsensus.Of([1m, price]));
}
