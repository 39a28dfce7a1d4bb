using Kasparro.Domain.Ingestion;

namespace Kasparro.UnitTests.Domain;

public sealed class RunAnomalyRuleTests
{
    private static double[] Repeat(double value, int count) => Enumerable.Repeat(value, count).ToArray();

    [Fact]
    public void Assess_WhenFewerThanTheMinimumHistory_GivesNoVerdict()
    {
        RunAnomalyRule.Assess(1_000_000, [10, 11, 12, 13]).ShouldBeNull();
        RunAnomalyRule.Assess(1_000_000, []).ShouldBeNull();
        RunAnomalyRule.Assess(1_000_000, [10, 11, 12, 13, 14, 15], minHistory: 7).ShouldBeNull();
    }

    [Fact]
    public void Assess_WithExactlyTheMinimumHistory_Judges()
    {
        var verdict = RunAnomalyRule.Assess(30, [10, 12, 14, 16, 18]);

        verdict.ShouldNotBeNull();
        verdict.HistorySize.ShouldBe(5);
    }

    [Fact]
    public void Assess_ScalesTheMadBy1_4826()
    {
        // median 14, absolute deviations 4 2 0 2 4 -> MAD 2, scale 2.9652, z = (30 - 14) / 2.9652.
        var verdict = RunAnomalyRule.Assess(30, [18, 10, 14, 16, 12])!;

        verdict.Median.ShouldBe(14);
        verdict.Mad.ShouldBe(2);
        verdict.Scale.ShouldBe(2.9652, 1e-12);
        verdict.ZScore.ShouldBe(16 / 2.9652, 1e-12);
        verdict.IsAnomalous.ShouldBeTrue();
    }

    [Fact]
    public void Assess_WithinTheThreshold_IsNotAnomalous()
    {
        var verdict = RunAnomalyRule.Assess(24, [10, 12, 14, 16, 18])!;

        verdict.ZScore.ShouldBe(10 / 2.9652, 1e-12);
        verdict.IsAnomalous.ShouldBeFalse();
    }

    [Fact]
    public void Assess_ADropIsAsAnomalousAsASpike_WithANegativeScore()
    {
        var verdict = RunAnomalyRule.Assess(0, [1000, 1010, 990, 1005, 995])!;

        verdict.Median.ShouldBe(1000);
        verdict.ZScore.ShouldBeLessThan(-3.5);
        verdict.IsAnomalous.ShouldBeTrue();
    }

    [Fact]
    public void Assess_ScoreExactlyAtTheThreshold_IsNotAnomalous()
    {
        // Constant history: the scale is the floor of 1, so z is the distance itself.
        RunAnomalyRule.Assess(3.5, Repeat(0, 5))!.IsAnomalous.ShouldBeFalse();
        RunAnomalyRule.Assess(3.6, Repeat(0, 5))!.IsAnomalous.ShouldBeTrue();
        RunAnomalyRule.Assess(3.6, Repeat(0, 5), threshold: 4)!.IsAnomalous.ShouldBeFalse();
    }

    [Fact]
    public void Assess_ConstantHistoryThenASpike_IsAnomalous_WithAFiniteScore()
    {
        var verdict = RunAnomalyRule.Assess(1000, Repeat(100, 20))!;

        verdict.Median.ShouldBe(100);
        verdict.Mad.ShouldBe(0);
        verdict.Scale.ShouldBe(5); // 5% of the median
        verdict.ZScore.ShouldBe(180);
        verdict.IsAnomalous.ShouldBeTrue();
    }

    [Theory]
    [InlineData(100, 0)]
    [InlineData(101, 0.2)]
    [InlineData(117, 3.4)]
    [InlineData(83, -3.4)]
    public void Assess_ConstantHistory_ToleratesJitterWithinFivePercentScale(double value, double expectedZ)
    {
        var verdict = RunAnomalyRule.Assess(value, Repeat(100, 20))!;

        verdict.ZScore.ShouldBe(expectedZ, 1e-12);
        verdict.IsAnomalous.ShouldBeFalse();
    }

    [Fact]
    public void Assess_ConstantZeroHistory_UsesTheAbsoluteFloorOfOne()
    {
        RunAnomalyRule.Assess(1, Repeat(0, 10))!.ZScore.ShouldBe(1);
        RunAnomalyRule.Assess(4, Repeat(0, 10))!.IsAnomalous.ShouldBeTrue();
    }

    [Fact]
    public void Assess_WhenMadIsZeroButNotEveryValueIsEqual_FallsBackToTheMeanAbsoluteDeviation()
    {
        // An incremental source: mostly nothing new, sometimes 500. Median 0 and MAD 0; mean absolute deviation 125.
        double[] history = [0, 0, 0, 0, 0, 0, 500, 500];

        var seenBefore = RunAnomalyRule.Assess(500, history)!;
        var larger = RunAnomalyRule.Assess(600, history)!;

        seenBefore.Mad.ShouldBe(0);
        seenBefore.Scale.ShouldBe(1.2533 * 125, 1e-9);
        seenBefore.ZScore.ShouldBe(500 / (1.2533 * 125), 1e-9);
        seenBefore.IsAnomalous.ShouldBeFalse();
        larger.IsAnomalous.ShouldBeTrue();
    }

    [Fact]
    public void Assess_OneEarlierOutlier_DoesNotMaskTheNextOne()
    {
        var verdict = RunAnomalyRule.Assess(5000, [100, 101, 99, 100, 5000, 100, 102])!;

        verdict.Median.ShouldBe(100);
        verdict.Mad.ShouldBe(1);
        verdict.IsAnomalous.ShouldBeTrue();
    }

    [Theory]
    [InlineData(new double[] { 3 }, 3)]
    [InlineData(new double[] { 4, 1 }, 2.5)]
    [InlineData(new double[] { 9, 1, 5 }, 5)]
    [InlineData(new double[] { 1, 2, 3, 100 }, 2.5)]
    public void Median_IsTheMiddleValue_OrTheMeanOfTheTwoMiddleValues(double[] values, double expected) =>
        RunAnomalyRule.Median(values).ShouldBe(expected);

    [Fact]
    public void Assess_RefusesNonFiniteValuesAndBadParameters()
    {
        Should.Throw<ArgumentException>(() => RunAnomalyRule.Assess(double.NaN, Repeat(1, 5)));
        Should.Throw<ArgumentException>(() => RunAnomalyRule.Assess(1, [1, 1, 1, 1, double.PositiveInfinity]));
        Should.Throw<ArgumentOutOfRangeException>(() => RunAnomalyRule.Assess(1, Repeat(1, 5), threshold: 0));
        Should.Throw<ArgumentException>(() => RunAnomalyRule.Median([]));
    }
}
