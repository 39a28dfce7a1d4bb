using Kasparro.Application.Quotes;
using Kasparro.Application.Quotes.Specifications;

namespace Kasparro.UnitTests.Application.Specifications;

/// <summary><c>/v1/data</c>'s query rules, run in memory by Ardalis' evaluator: filters, every sort, offsets and keyset pages.</summary>
public sealed class QuotePageSpecificationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private static readonly Guid Btc = Guid.Parse("0195f3c1-0000-7000-8000-000000000001");
    private static readonly Guid Eth = Guid.Parse("0195f3c1-0000-7000-8000-000000000002");

    /// <summary>Ties everywhere: equal prices, equal caps, NULL caps, equal times, one source asset id under several sources.</summary>
    private static readonly List<QuoteDto> Quotes =
    [
        Quote(Btc, "BTC", "coinpaprika", "btc", T0, 87_000m, 1_700m),
        Quote(Btc, "BTC", "coinpaprika", "btc", T0.AddHours(2), 87_250m, 1_710m),
        Quote(Btc, "BTC", "coingecko", "bitcoin", T0, 87_000m, 1_700m),
        Quote(Btc, "BTC", "coingecko", "bitcoin", T0.AddHours(2), 87_260m, null),
        Quote(Btc, "BTC", "csv", "btc", T0.AddHours(1), 87_100m, null),
        Quote(Btc, "BTC", "csv", "btc", T0.AddHours(3), 87_300m, null),
        Quote(Eth, "ETH", "coinpaprika", "eth", T0.AddHours(2), 3_100m, 380m),
        Quote(Eth, "ETH", "coingecko", "ethereum", T0.AddHours(2), 3_101m, 380m),
        Quote(Eth, "ETH", "csv", "eth", T0.AddHours(3), 3_100m, 379m),
    ];

    public static TheoryData<string> Sorts() => [.. QuoteSort.Accepted];

    [Theory]
    [MemberData(nameof(Sorts))]
    public void EverySort_OrdersByItsColumn_ThenByTheKey_NullCapsLast(string sortText)
    {
        var sort = ParseSort(sortText);

        var whole = InMemory.Run(Page(QuoteFilter.None, sort, 500), Quotes);

        whole.ShouldBe(Expected(Quotes, sort));
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public void KeysetPages_ContinueExactlyWhereTheLastRowEnded(string sortText)
    {
        var sort = ParseSort(sortText);
        var walked = new List<QuoteDto>();
        QuotePosition? after = null;
        for (var page = 0; page < Quotes.Count; page++)
        {
            var rows = InMemory.Run(Page(QuoteFilter.None, sort, 2, after: after), Quotes);
            walked.AddRange(rows.Take(2));
            if (rows.Count <= 2)
            {
                break;
            }

            after = QuotePosition.Of(rows[1], sort.Field);
        }

        walked.ShouldBe(Expected(Quotes, sort));
    }

    [Fact]
    public void AnOffsetPage_SkipsThatManyRows_AndReadsOneMoreThanTheLimit()
    {
        var rows = InMemory.Run(Page(QuoteFilter.None, QuoteSort.Default, 3, offset: 2), Quotes);

        rows.ShouldBe(Expected(Quotes, QuoteSort.Default).Skip(2).Take(4));
    }

    [Fact]
    public void Filters_SelectTickersSourcesAssetAndTimeRange()
    {
        Select(QuoteFilter.None with { Tickers = ["ETH"] }).Count.ShouldBe(3);
        Select(QuoteFilter.None with { Tickers = ["ETH", "BTC"] }).Count.ShouldBe(9);
        Select(QuoteFilter.None with { Sources = ["csv"] }).ShouldAllBe(q => q.Source == "csv");
        Select(QuoteFilter.None with { Sources = ["csv", "coingecko"] }).Count.ShouldBe(6);
        Select(QuoteFilter.None with { AssetId = Eth }).ShouldAllBe(q => q.Ticker == "ETH");
        Select(QuoteFilter.None with { From = T0.AddHours(2), To = T0.AddHours(2) }).Count.ShouldBe(4);
        Select(new QuoteFilter(["BTC"], Btc, ["csv"], T0.AddHours(1), null)).Count.ShouldBe(2);
    }

    [Fact]
    public void TheMatchingSpecification_SelectsWhatThePageFilters_AndIsKeyedByTheFilter()
    {
        var filter = QuoteFilter.None with { Tickers = ["BTC"], Sources = ["csv"] };
        var matching = new QuotesMatchingSpecification(filter);

        InMemory.Run(matching, Quotes).ShouldBe(Select(filter), ignoreOrder: true);
        matching.CacheKey.ShouldBe(new QuotesMatchingSpecification(filter with { }).CacheKey);
        matching.CacheKey.ShouldNotBe(new QuotesMatchingSpecification(filter with { Sources = ["coingecko"] }).CacheKey);
    }

    private static List<QuoteDto> Select(QuoteFilter filter) => InMemory.Run(Page(filter, QuoteSort.Default, 500), Quotes);

    private static QuotePageSpecification Page(QuoteFilter filter, QuoteSort sort, int limit, int offset = 0, QuotePosition? after = null) =>
        new(filter, sort, limit, offset, after);

    private static QuoteSort ParseSort(string text) => QuoteSort.TryParse(text, out var sort) ? sort : throw new ArgumentException(text);

    /// <summary>The order as documented, written out independently of the specification.</summary>
    private static List<QuoteDto> Expected(IEnumerable<QuoteDto> rows, QuoteSort sort)
    {
        var sign = sort.Descending ? -1 : 1;
        int Compare(QuoteDto a, QuoteDto b)
        {
            var lead = sort.Field switch
            {
                QuoteSortField.PriceUsd => a.PriceUsd.CompareTo(b.PriceUsd) * sign,
                QuoteSortField.Ticker => string.CompareOrdinal(a.Ticker, b.Ticker) * sign,
                QuoteSortField.MarketCapUsd => (a.MarketCapUsd, b.MarketCapUsd) switch
                {
                    (null, null) => 0,
                    (null, _) => 1,
                    (_, null) => -1,
                    ({ } x, { } y) => x.CompareTo(y) * sign,
                },
                _ => a.ObservedAt.CompareTo(b.ObservedAt) * sign,
            };
            return lead != 0 ? lead
                : string.CompareOrdinal(a.Source, b.Source) is var s and not 0 ? s * sign
                : string.CompareOrdinal(a.SourceAssetId, b.SourceAssetId) is var i and not 0 ? i * sign
                : a.ObservedAt.CompareTo(b.ObservedAt) * sign;
        }

        var sorted = rows.ToList();
        sorted.Sort(Compare);
        return sorted;
    }

    private static QuoteDto Quote(Guid assetId, string ticker, string source, string sourceAssetId, DateTimeOffset observedAt, decimal price, decimal? cap) => new()
    {
        AssetId = assetId,
        Ticker = ticker,
        Name = null,
        Source = source,
        SourceAssetId = sourceAssetId,
        PriceUsd = price,
        MarketCapUsd = cap,
        Volume24hUsd = null,
        PercentChange24h = null,
        ObservedAt = observedAt,
        IngestedAt = observedAt,
    };
}
