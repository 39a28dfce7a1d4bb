using Kasparro.Application.Quotes;

namespace Kasparro.UnitTests.Application.Quotes;

public sealed class QuoteCursorTests
{
    private static readonly QuoteFilter Btc = QuoteFilter.None with { Tickers = ["BTC"] };
    private static readonly DateTimeOffset At = new(2026, 11, 20, 10, 0, 0, 123, TimeSpan.Zero);

    public static TheoryData<string> Sorts() => [.. QuoteSort.Accepted];

    [Theory]
    [MemberData(nameof(Sorts))]
    public void APosition_RoundTrips_UnderItsSortAndFilter(string sortText)
    {
        QuoteSort.TryParse(sortText, out var sort).ShouldBeTrue();
        var value = sort.Field switch
        {
            QuoteSortField.ObservedAt => new QuoteSortValue(At, null, null),
            QuoteSortField.Ticker => new QuoteSortValue(null, null, "BTC"),
            _ => new QuoteSortValue(null, 0.000000008730861m, null),
        };
        var position = new QuotePosition(value, "coinpaprika", "btc-bitcoin,\"odd\" id", At);

        var cursor = QuoteCursor.Encode(sort, Btc, position);

        cursor.ShouldNotContain("=");
        cursor.ShouldNotContain("+");
        cursor.ShouldNotContain("/");
        QuoteCursor.TryDecode(cursor, sort, Btc, out var decoded, out var error).ShouldBeTrue(error);
        decoded.ShouldBe(position);
    }

    [Fact]
    public void ANullMarketCap_RoundTrips()
    {
        var sort = new QuoteSort(QuoteSortField.MarketCapUsd, true);
        var position = new QuotePosition(default, "csv", "BTC", At);

        QuoteCursor.TryDecode(QuoteCursor.Encode(sort, Btc, position), sort, Btc, out var decoded, out _).ShouldBeTrue();

        decoded!.Value.Number.ShouldBeNull();
    }

    [Fact]
    public void ACursor_IsRefused_UnderAnotherSort_OrOtherFilters()
    {
        var cursor = QuoteCursor.Encode(QuoteSort.Default, Btc, new QuotePosition(new QuoteSortValue(At, null, null), "csv", "BTC", At));

        QuoteCursor.TryDecode(cursor, new QuoteSort(QuoteSortField.ObservedAt, false), Btc, out _, out var sortError).ShouldBeFalse();
        sortError!.ShouldContain("sort");
        QuoteCursor.TryDecode(cursor, QuoteSort.Default, QuoteFilter.None, out _, out var filterError).ShouldBeFalse();
        filterError!.ShouldContain("filters");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all")]
    [InlineData("e30")] // {}
    [InlineData("WzJd")] // [2]
    [InlineData("WzEsIi1vYnNlcnZlZF9hdCJd")] // [1,"-observed_at"]
    [InlineData("bnVsbA")] // null
    public void Garbage_IsRefused_WithoutThrowing(string cursor)
    {
        QuoteCursor.TryDecode(cursor, QuoteSort.Default, QuoteFilter.None, out var position, out var error).ShouldBeFalse();

        position.ShouldBeNull();
        error.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void ATamperedValueOfTheWrongType_IsRefused()
    {
        // A price sort whose value is a timestamp number rather than decimal text.
        var priceSort = new QuoteSort(QuoteSortField.PriceUsd, false);
        var byTime = QuoteCursor.Encode(QuoteSort.Default, QuoteFilter.None, new QuotePosition(new QuoteSortValue(At, null, null), "csv", "BTC", At));
        var json = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(byTime)).Replace("\"-observed_at\"", "\"price_usd\"", StringComparison.Ordinal);
        var tampered = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(json));

        QuoteCursor.TryDecode(tampered, priceSort, QuoteFilter.None, out _, out _).ShouldBeFalse();
    }
}
