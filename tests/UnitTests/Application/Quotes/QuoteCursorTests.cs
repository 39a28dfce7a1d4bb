using Kasparro.Application.Quotes;
using Kasparro.Application.Quotes.GetQuotes;

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
        var opened = QuoteCursor.Parse(cursor);
        opened.IsValid.ShouldBeTrue(string.Join("; ", opened.Errors));
        opened.Value.ShouldBe(new QuoteCursor(sort, Btc.Fingerprint(), position));
        new GetQuotesQueryValidator().Validate(GetQuotesQuery.Parse(ticker: "BTC", sort: sortText, cursor: cursor)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void ANullMarketCap_RoundTrips()
    {
        var sort = new QuoteSort(QuoteSortField.MarketCapUsd, true);
        var position = new QuotePosition(default, "csv", "BTC", At);

        var opened = QuoteCursor.Parse(QuoteCursor.Encode(sort, Btc, position));

        opened.IsValid.ShouldBeTrue();
        opened.Value!.Position.Value.Number.ShouldBeNull();
    }

    [Fact]
    public void ACursor_IsRefused_UnderAnotherSort_OrOtherFilters()
    {
        var cursor = QuoteCursor.Encode(QuoteSort.Default, Btc, new QuotePosition(new QuoteSortValue(At, null, null), "csv", "BTC", At));
        var validator = new GetQuotesQueryValidator();

        var sortError = validator.Validate(GetQuotesQuery.Parse(ticker: "BTC", sort: "observed_at", cursor: cursor)).Errors.ShouldHaveSingleItem();
        sortError.PropertyName.ShouldBe("cursor");
        sortError.ErrorMessage.ShouldBe("was issued for sort '-observed_at', not 'observed_at'; start again without a cursor");
        var filterError = validator.Validate(GetQuotesQuery.Parse(cursor: cursor)).Errors.ShouldHaveSingleItem();
        filterError.PropertyName.ShouldBe("cursor");
        filterError.ErrorMessage.ShouldBe("was issued for other filters; start again without a cursor");
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
        var opened = QuoteCursor.Parse(cursor);

        opened.Value.ShouldBeNull();
        opened.Errors.ShouldBe(["is not a cursor this API issued"]);
    }

    [Fact]
    public void ATamperedValueOfTheWrongType_IsRefused()
    {
        // A price sort whose value is a timestamp number rather than decimal text.
        var byTime = QuoteCursor.Encode(QuoteSort.Default, QuoteFilter.None, new QuotePosition(new QuoteSortValue(At, null, null), "csv", "BTC", At));
        var json = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(byTime)).Replace("\"-observed_at\"", "\"price_usd\"", StringComparison.Ordinal);
        var tampered = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(json));

        QuoteCursor.Parse(tampered).IsValid.ShouldBeFalse();
    }
}
