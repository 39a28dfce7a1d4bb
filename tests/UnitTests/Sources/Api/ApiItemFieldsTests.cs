using System.Text.Json;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;
using Kasparro.Infrastructure.Sources.Api;
using Kasparro.Infrastructure.Sources.CoinGecko;
using Kasparro.Infrastructure.Sources.CoinPaprika;

namespace Kasparro.UnitTests.Sources.Api;

public sealed class ApiItemFieldsTests
{
    private static readonly DateTimeOffset Fetched = new(2026, 7, 11, 10, 0, 0, TimeSpan.Zero);

    private static ApiItemRead Gecko(string json) =>
        ApiItemFields.Read(JsonDocument.Parse(json).RootElement, DriftResult.AsExpected(CoinGeckoSchema.Markets).Plans, Fetched, zeroMarketCapIsUnknown: false);

    private static ApiItemRead Paprika(string json) =>
        ApiItemFields.Read(JsonDocument.Parse(json).RootElement, DriftResult.AsExpected(CoinPaprikaSchema.Tickers).Plans, Fetched, zeroMarketCapIsUnknown: true);

    private static string PaprikaTicker(string usd, string id = "btc-bitcoin", string lastUpdated = "\"2023-08-11T08:09:18Z\"") =>
        $$"""{"id":"{{id}}","name":"Bitcoin","symbol":"BTC","last_updated":{{lastUpdated}},"quotes":{"USD":{""" + usd + "}}}";

    [Fact]
    public void Read_CoinPaprikaTicker_ReadsEveryNormalizedField()
    {
        var read = Paprika(PaprikaTicker("\"price\":29427.918932650417,\"volume_24h\":17385954206.667908,\"market_cap\":572489440087,\"percent_change_24h\":-0.26"));

        read.Problems.ShouldBeEmpty();
        read.Id.ShouldBe("btc-bitcoin");
        read.LastUpdated.ShouldBe("2023-08-11T08:09:18Z");
        var fields = read.Fields!;
        fields.SourceAssetId.ShouldBe("btc-bitcoin");
        fields.Symbol.ShouldBe("BTC");
        fields.PriceUsd.ShouldBe(29427.918932650417m);
        fields.MarketCapUsd.ShouldBe(572489440087m);
        fields.Volume24hUsd.ShouldBe(17385954206.667908m);
        fields.PercentChange24h.ShouldBe(-0.26m);
        fields.ObservedAt.ShouldBe(new DateTimeOffset(2023, 8, 11, 8, 9, 18, TimeSpan.Zero));
        fields.SourceUpdatedAt.ShouldBe(fields.ObservedAt!.Value);
    }

    [Fact]
    public void Read_WhenCoinPaprikaMarketCapIsZero_ReadsItAsUnknown()
    {
        Paprika(PaprikaTicker("\"price\":0.0001,\"market_cap\":0")).Fields!.MarketCapUsd.ShouldBeNull();
        Gecko("""{"id":"a","symbol":"a","current_price":1,"market_cap":0,"last_updated":"2026-07-11T07:46:22.251Z"}""").Fields!.MarketCapUsd.ShouldBe(0m);
    }

    [Theory]
    [InlineData("8.73086e-15", "0.00000000000000873086")]
    [InlineData("2.5267314154075e-7", "0.00000025267314154075")]
    [InlineData("1.0e+15", "1000000000000000")]
    [InlineData("76134", "76134")]
    [InlineData("2100000000000000.0", "2100000000000000")]
    public void Read_ParsesScientificNotationAndLargeNumbersExactly(string text, string expected)
    {
        var read = Gecko($$"""{"id":"a","symbol":"a","current_price":{{text}},"last_updated":"2026-07-11T07:46:22.251Z"}""");

        read.Problems.ShouldBeEmpty();
        read.Fields!.PriceUsd.ShouldBe(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Read_WhenANormalizedNumberIsBeyondDecimal_ReportsTheFieldAndMarksItUnreadable()
    {
        var read = Gecko("""{"id":"a","symbol":"a","current_price":1,"total_volume":1.9026007997779706e+37,"last_updated":"2026-07-11T07:46:22.251Z"}""");

        read.Problems.ShouldHaveSingleItem().ShouldStartWith("field 'total_volume' '1.9026007997779706e+37' is outside the representable range");
        read.Fields!.Unreadable.ShouldBe(QuoteFields.Volume);
        read.Fields.Volume24hUsd.ShouldBeNull();
    }

    [Fact]
    public void Read_NeverParsesFieldsItDoesNotNormalize()
    {
        var read = Gecko("""
            {"id":"bone-shibaswap","symbol":"bone","current_price":1.2,"atl_change_percentage":1.9026007997779706e+37,
             "circulating_supply":419999999999998976,"max_supply":1e400,"last_updated":"2023-08-12T00:36:05.589Z"}
            """);

        read.Problems.ShouldBeEmpty();
    }

    [Fact]
    public void Read_WhenValuesAreNull_LeavesThemEmptyForTheDomainToJudge()
    {
        var read = Gecko("""
            {"id":"hashnote-usyc","symbol":"usyc","name":"Hashnote USYC","current_price":null,"market_cap":null,"total_volume":null,
             "price_change_percentage_24h":null,"last_updated":"2025-11-21T00:25:01.714Z"}
            """);

        read.Problems.ShouldBeEmpty();
        read.Fields!.PriceUsd.ShouldBeNull();
        read.Fields.MarketCapUsd.ShouldBeNull();
        read.Fields.PercentChange24h.ShouldBeNull();
        QuoteRules.Normalize(read.Fields, TickerAliases.None).Reasons.ShouldBe(["price is missing"]);
    }

    [Fact]
    public void Read_WhenTheIdIsMissing_ReportsItRatherThanKeyingOnTheSymbol()
    {
        var read = Gecko("""{"symbol":"hex","current_price":1,"last_updated":"2026-07-11T07:46:22.251Z"}""");

        read.Problems.ShouldBe(["field 'id' (the source's asset id) is missing or empty"]);
        read.Id.ShouldBeNull();
    }

    [Fact]
    public void Read_WhenTheTimestampIsUnparsable_ReportsItAndMarksItUnreadable()
    {
        var read = Gecko("""{"id":"a","symbol":"a","current_price":1,"last_updated":"yesterday"}""");

        read.Problems.ShouldBe(["field 'last_updated' 'yesterday' is not an ISO-8601 timestamp"]);
        read.Fields!.Unreadable.ShouldBe(QuoteFields.Timestamp);
        read.Fields.ObservedAt.ShouldBeNull();
        QuoteRules.Normalize(read.Fields, TickerAliases.None).Reasons.ShouldNotContain("timestamp is missing");
    }

    [Fact]
    public void Read_WhenANumberIsText_ReportsTheFieldWhenItIsNotANumber()
    {
        var read = Gecko("""{"id":"a","symbol":"a","current_price":"12.5","market_cap":"n/a","total_volume":true,"last_updated":"2026-07-11T07:46:22.251Z"}""");

        read.Fields!.PriceUsd.ShouldBe(12.5m);
        read.Problems.ShouldBe(["field 'market_cap' 'n/a' is not a number", "field 'total_volume' is a JSON true, not a number"]);
        read.Fields.Unreadable.ShouldBe(QuoteFields.MarketCap | QuoteFields.Volume);
    }

    [Fact]
    public void Read_KeepsZeroWidthSpacesInTheNameForTheDomainToClean()
    {
        var read = Gecko("{\"id\":\"stable-2\",\"symbol\":\"stable\",\"name\":\"\u200b\u200bStable\",\"current_price\":1,\"last_updated\":\"2026-04-30T02:29:10.320Z\"}");

        read.Fields!.Name.ShouldBe("\u200b\u200bStable");
        QuoteRules.Normalize(read.Fields, TickerAliases.None).Record!.Name.ShouldBe("Stable");
    }

    [Fact]
    public void Read_WhenTheItemIsNotAnObject_ReportsIt()
    {
        var read = ApiItemFields.Read(JsonDocument.Parse("42").RootElement, DriftResult.AsExpected(CoinGeckoSchema.Markets).Plans, Fetched, false);

        read.Fields.ShouldBeNull();
        read.Problems.ShouldBe(["item is a JSON number, not an object"]);
    }

    [Fact]
    public void Read_WhenADriftRemovedTheField_RejectsWithTheDriftReasonAndNotAlsoAsMissing()
    {
        var plans = new Dictionary<ApiField, FieldPlan>(DriftResult.AsExpected(CoinGeckoSchema.Markets).Plans);
        plans[ApiField.Price] = plans[ApiField.Price] with { MissingReason = "field 'current_price' is missing (schema drift, no similar field)" };

        var read = ApiItemFields.Read(JsonDocument.Parse("""{"id":"a","symbol":"a","last_updated":"2026-07-11T07:46:22.251Z"}""").RootElement, plans, Fetched, false);

        read.Problems.ShouldBe(["field 'current_price' is missing (schema drift, no similar field)"]);
        QuoteRules.Normalize(read.Fields!, TickerAliases.None).Reasons.ShouldBeEmpty();
    }
}
