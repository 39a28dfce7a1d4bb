using Kasparro.Application.Quotes;
using Kasparro.Application.Quotes.GetQuotes;

namespace Kasparro.UnitTests.Application.Quotes;

public sealed class GetQuotesQueryValidatorTests
{
    private readonly GetQuotesQueryValidator _validator = new();

    [Fact]
    public void NoParameters_AreValid_AndMeanTheDefaults()
    {
        var query = GetQuotesQuery.Parse();
        _validator.Validate(query).IsValid.ShouldBeTrue();

        query.Limit.Value.ShouldBe(50);
        query.Offset.Value.ShouldBe(0);
        query.Sort.Value.ShouldBe(QuoteSort.Default);
        query.Filter.ShouldBe(QuoteFilter.None, new FilterComparer());
    }

    [Fact]
    public void Filters_AreNormalized()
    {
        var filter = GetQuotesQuery.Parse(ticker: " btc, eth ,BTC,", source: "CSV,coingecko", from: "2026-11-20", to: "2026-11-20T12:30:00+02:00").Filter;

        filter.Tickers.ShouldBe(["BTC", "ETH"]);
        filter.Sources.ShouldBe(["csv", "coingecko"]);
        filter.From.ShouldBe(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        filter.To.ShouldBe(new DateTimeOffset(2026, 11, 20, 10, 30, 0, TimeSpan.Zero));
    }

    [Fact]
    public void EveryBadParameter_IsReportedAtOnce_UnderItsOwnName()
    {
        var result = _validator.Validate(GetQuotesQuery.Parse(ticker: "BTC,\u0001", assetId: "x", source: "kraken", from: "soon", sort: "size", limit: "0", offset: "-1"));

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
        _validator.Validate(GetQuotesQuery.Parse(limit: limit)).IsValid.ShouldBe(valid);

    [Fact]
    public void MoreThanFiftyTickers_AreRefused() =>
        _validator.Validate(GetQuotesQuery.Parse(ticker: string.Join(',', Enumerable.Range(0, 51).Select(i => $"T{i}")))).IsValid.ShouldBeFalse();

    private sealed class FilterComparer : IEqualityComparer<QuoteFilter>
    {
        public bool Equals(QuoteFilter? x, QuoteFilter? y) => x!.Fingerprint() == y!.Fingerprint();

        public int GetHashCode(QuoteFilter obj) => obj.Fingerprint().GetHashCode(StringComparison.Ordinal);
    }
}
