using Kasparro.Application.Quotes;
using Kasparro.Application.Quotes.GetQuotes;

namespace Kasparro.UnitTests.Application.Quotes;

public sealed class GetQuotesQueryValidatorTests
{
    private readonly GetQuotesQueryValidator _validator = new();

    [Fact]
    public void NoParameters_AreValid_AndMeanTheDefaults()
    {
        _validator.Validate(new GetQuotesQuery()).IsValid.ShouldBeTrue();
        var specification = QuoteRequest.Parse(new GetQuotesQuery()).Specification!;

        specification.Limit.ShouldBe(50);
        specification.Offset.ShouldBe(0);
        specification.Sort.ShouldBe(QuoteSort.Default);
        specification.Filter.ShouldBe(QuoteFilter.None, new FilterComparer());
    }

    [Fact]
    public void Filters_AreNormalized()
    {
        var specification = QuoteRequest.Parse(new GetQuotesQuery(Ticker: " btc, eth ,BTC,", Source: "CSV,coingecko", From: "2026-11-20", To: "2026-11-20T12:30:00+02:00")).Specification!;

        specification.Filter.Tickers.ShouldBe(["BTC", "ETH"]);
        specification.Filter.Sources.ShouldBe(["csv", "coingecko"]);
        specification.Filter.From.ShouldBe(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        specification.Filter.To.ShouldBe(new DateTimeOffset(2026, 11, 20, 10, 30, 0, TimeSpan.Zero));
    }

    [Fact]
    public void EveryBadParameter_IsReportedAtOnce_UnderItsOwnName()
    {
        var result = _validator.Validate(new GetQuotesQuery(Ticker: "BTC,\u0001", AssetId: "x", Source: "kraken", From: "soon", Sort: "size", Limit: "0", Offset: "-1"));

        result.Errors.Select(e => e.PropertyName).Distinct().Order(StringComparer.Ordinal).ShouldBe(["asset_id", "from", "limit", "offset", "sort", "source", "ticker"]);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("500", true)]
    [InlineData("501", false)]
    [InlineData("0", false)]
    [InlineData("+5", false)]
    [InlineData(" 5", false)]
    [InlineData("5.0", false)]
    [InlineData("99999999999", false)]
    public void Limit_IsAWholeNumberFrom1To500(string limit, bool valid) =>
        _validator.Validate(new GetQuotesQuery(Limit: limit)).IsValid.ShouldBe(valid);

    [Fact]
    public void MoreThanFiftyTickers_AreRefused() =>
        _validator.Validate(new GetQuotesQuery(Ticker: string.Join(',', Enumerable.Range(0, 51).Select(i => $"T{i}")))).IsValid.ShouldBeFalse();

    private sealed class FilterComparer : IEqualityComparer<QuoteFilter>
    {
        public bool Equals(QuoteFilter? x, QuoteFilter? y) => x!.Fingerprint() == y!.Fingerprint();

        public int GetHashCode(QuoteFilter obj) => obj.Fingerprint().GetHashCode(StringComparison.Ordinal);
    }
}
