using Kasparro.Application.Common.Exceptions;
using Kasparro.Infrastructure.Sources.Http;

namespace Kasparro.UnitTests.Sources.Http;

public sealed class RateLimitTests
{
    private static readonly RateLimit Fallback = new(10, TimeSpan.FromMinutes(1));

    [Theory]
    [InlineData("10/min", 10, 60)]
    [InlineData("25/minute", 25, 60)]
    [InlineData(" 3 / S ", 3, 1)]
    [InlineData("1/sec", 1, 1)]
    [InlineData("100/h", 100, 3600)]
    [InlineData("500/HOUR", 500, 3600)]
    public void Parse_WhenBudgetIsWellFormed_ReadsRequestsAndPeriod(string text, int requests, int periodSeconds)
    {
        var limit = RateLimit.Parse(text, "COINGECKO_RATE_LIMIT", Fallback);

        limit.ShouldBe(new RateLimit(requests, TimeSpan.FromSeconds(periodSeconds)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_WhenUnset_ReturnsTheFallback(string? text) =>
        RateLimit.Parse(text, "COINGECKO_RATE_LIMIT", Fallback).ShouldBeSameAs(Fallback);

    [Theory]
    [InlineData("10")]
    [InlineData("10/")]
    [InlineData("/min")]
    [InlineData("0/min")]
    [InlineData("-1/min")]
    [InlineData("+5/min")]
    [InlineData("1.5/min")]
    [InlineData("10/day")]
    [InlineData("ten/min")]
    [InlineData("10/min/extra")]
    [InlineData("99999999999/min")]
    public void Parse_WhenBudgetIsMalformed_ThrowsConfigurationExceptionNamingTheSetting(string text)
    {
        var error = Should.Throw<ConfigurationException>(() => RateLimit.Parse(text, "COINGECKO_RATE_LIMIT", Fallback));

        error.Message.ShouldContain("COINGECKO_RATE_LIMIT");
    }
}
