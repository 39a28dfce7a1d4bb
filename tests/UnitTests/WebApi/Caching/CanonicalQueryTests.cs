using Kasparro.Application.Assets.GetAsset;
using Kasparro.Application.Assets.GetAssets;
using Kasparro.Application.Quotes;
using Kasparro.Application.Quotes.GetQuotes;
using Kasparro.WebApi.Caching;
using Microsoft.Extensions.Primitives;

namespace Kasparro.UnitTests.WebApi.Caching;

/// <summary>One canonical form per read, however its query string is spelled; never one for two reads.</summary>
public sealed class CanonicalQueryTests
{
    [Fact]
    public void TheSameRead_SpelledDifferently_HasOneForm()
    {
        var plain = CanonicalQuery.Of(GetQuotesQuery.Parse());
        CanonicalQuery.Of(GetQuotesQuery.Parse(limit: "50", offset: "0", sort: "-observed_at")).ShouldBe(plain, "the defaults spelled out");
        CanonicalQuery.Of(GetQuotesQuery.Parse(ticker: " btc ")).ShouldBe(CanonicalQuery.Of(GetQuotesQuery.Parse(ticker: "BTC")));
        CanonicalQuery.Of(GetAssetQuery.Parse("eth")).ShouldBe(CanonicalQuery.Of(GetAssetQuery.Parse("ETH")));
    }

    [Fact]
    public void DifferentReads_HaveDifferentForms()
    {
        string[] forms =
        [
            CanonicalQuery.Of(GetQuotesQuery.Parse()),
            CanonicalQuery.Of(GetQuotesQuery.Parse(limit: "51")),
            CanonicalQuery.Of(GetQuotesQuery.Parse(ticker: "BTC")),
            CanonicalQuery.Of(GetQuotesQuery.Parse(ticker: "BTC,ETH")),
            CanonicalQuery.Of(GetQuotesQuery.Parse(from: "2026-11-20T00:00:00Z")),
            CanonicalQuery.Of(GetQuotesQuery.Parse(from: "2026-11-20T00:00:00.001Z")),
            CanonicalQuery.Of(GetQuotesQuery.Parse(sort: "price_usd")),
            CanonicalQuery.Of(GetAssetsQuery.Parse(null, null, null)),
            CanonicalQuery.Of(GetAssetQuery.Parse("BTC")),
        ];

        forms.Distinct(StringComparer.Ordinal).Count().ShouldBe(forms.Length, string.Join('\n', forms));
    }

    [Fact]
    public void CursorsOneTickApart_HaveDifferentForms()
    {
        var filter = GetQuotesQuery.Parse().Filter;
        var at = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        string Form(DateTimeOffset observedAt) => CanonicalQuery.Of(GetQuotesQuery.Parse(cursor: QuoteCursor.Encode(
            QuoteSort.Default, filter, new QuotePosition(new QuoteSortValue(observedAt, null, null), "csv", "btc", observedAt))));

        Form(at).ShouldNotBe(Form(at.AddTicks(1)));
    }

    [Fact]
    public void TheETag_IsStrong_AndChangesWithTheVersionAndTheForm()
    {
        var form = CanonicalQuery.Of(GetQuotesQuery.Parse());
        var etag = CanonicalQuery.ETag(7, form);

        etag.ShouldMatch("^\"7-[A-Za-z0-9_-]{16}\"$");
        CanonicalQuery.ETag(7, form).ShouldBe(etag);
        CanonicalQuery.ETag(8, form).ShouldNotBe(etag);
        CanonicalQuery.ETag(7, CanonicalQuery.Of(GetQuotesQuery.Parse(limit: "10"))).ShouldNotBe(etag);
    }

    [Theory]
    [InlineData("\"7-abc\"", true)]
    [InlineData("W/\"7-abc\"", true)]
    [InlineData("\"1-old\", \"7-abc\"", true)]
    [InlineData("*", false)]
    [InlineData("\"8-abc\"", false)]
    [InlineData("7-abc", false)]
    [InlineData("", false)]
    public void IfNoneMatch_MatchesByWeakComparison(string header, bool matches) =>
        CanonicalQuery.Matches(new StringValues(header), "\"7-abc\"").ShouldBe(matches);
}
