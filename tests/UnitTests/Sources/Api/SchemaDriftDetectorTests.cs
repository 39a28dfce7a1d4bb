using System.Text.Json;
using Kasparro.Infrastructure.Sources.Api;
using Kasparro.Infrastructure.Sources.CoinGecko;
using Kasparro.Infrastructure.Sources.CoinPaprika;

namespace Kasparro.UnitTests.Sources.Api;

public sealed class SchemaDriftDetectorTests
{
    private const string GeckoItem = """
        {"id":"bitcoin","symbol":"btc","name":"Bitcoin","image":"x","current_price":76134,"market_cap":1525711563723,"market_cap_rank":1,
         "fully_diluted_valuation":1,"total_volume":43249932397,"high_24h":1,"low_24h":1,"price_change_24h":1,"price_change_percentage_24h":-0.5,
         "market_cap_change_24h":1,"market_cap_change_percentage_24h":1,"circulating_supply":1.0,"total_supply":1.0,"max_supply":null,"ath":1,
         "ath_change_percentage":1,"ath_date":"2024-01-01T00:00:00.000Z","atl":1,"atl_change_percentage":1,"atl_date":"2024-01-01T00:00:00.000Z",
         "roi":null,"last_updated":"2026-04-30T02:29:10.320Z"}
        """;

    private const string PaprikaItem = """
        {"id":"btc-bitcoin","name":"Bitcoin","symbol":"BTC","rank":1,"circulating_supply":1,"total_supply":1,"max_supply":0,"beta_value":1.06,
         "first_data_at":"2010-07-17T00:00:00Z","last_updated":"2023-08-11T08:09:18Z","quotes":{"USD":{"price":29427.91,"volume_24h":1,
         "volume_24h_change_24h":1,"market_cap":572489440087,"market_cap_change_24h":1,"percent_change_15m":1,"percent_change_30m":1,
         "percent_change_1h":1,"percent_change_6h":1,"percent_change_12h":1,"percent_change_24h":-0.26,"percent_change_7d":1,"percent_change_30d":1,
         "percent_change_1y":1,"ath_price":1,"ath_date":"2021-11-10T16:50:00Z","percent_from_price_ath":1}}}
        """;

    private static readonly SchemaDriftDetector Detector = new(0.8m);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void Detect_WhenTheShapeIsAsExpected_FindsNothingAndReadsEveryFieldWhereItWas()
    {
        var gecko = Detector.Detect(CoinGeckoSchema.Markets, Json(GeckoItem));
        var paprika = Detector.Detect(CoinPaprikaSchema.Tickers, Json(PaprikaItem));

        gecko.Findings.ShouldBeEmpty();
        paprika.Findings.ShouldBeEmpty();
        gecko.Plans[ApiField.Price].Segments.ShouldBe(["current_price"]);
        paprika.Plans[ApiField.Price].Segments.ShouldBe(["quotes", "USD", "price"]);
        paprika.Plans.Values.ShouldAllBe(p => p.MissingReason == null);
    }

    [Theory]
    [InlineData("currentPrice", 1.0)]
    [InlineData("current_prices", 0.98)]
    public void Detect_WhenARequiredFieldIsRenamedSimilarly_MapsItWithItsScore(string renamed, double minimum)
    {
        var result = Detector.Detect(CoinGeckoSchema.Markets, Json(GeckoItem.Replace("\"current_price\"", $"\"{renamed}\"", StringComparison.Ordinal)));

        var finding = result.Findings.ShouldHaveSingleItem();
        finding.Action.ShouldBe(DriftAction.Mapped);
        finding.ExpectedField.ShouldBe("current_price");
        finding.ObservedField.ShouldBe(renamed);
        finding.Confidence.ShouldBeGreaterThanOrEqualTo((decimal)minimum);
        result.Plans[ApiField.Price].Segments.ShouldBe([renamed]);
        result.Plans[ApiField.Price].MissingReason.ShouldBeNull();
    }

    [Fact]
    public void Detect_WhenARequiredFieldIsGoneWithNothingSimilar_RejectsWithAReasonNamingIt()
    {
        var result = Detector.Detect(CoinGeckoSchema.Markets, Json(GeckoItem.Replace("\"current_price\":76134,", string.Empty, StringComparison.Ordinal)));

        var finding = result.Findings.ShouldHaveSingleItem();
        finding.Action.ShouldBe(DriftAction.Rejected);
        finding.ObservedField.ShouldBeNull();
        finding.Confidence.ShouldBe(0m);
        result.Plans[ApiField.Price].MissingReason.ShouldBe("field 'current_price' is missing (schema drift, no similar field)");
    }

    [Fact]
    public void Detect_WhenTheOnlyNewFieldIsNotSimilarEnough_RejectsAndReportsTheNewFieldToo()
    {
        var result = Detector.Detect(CoinGeckoSchema.Markets, Json(GeckoItem.Replace("\"current_price\"", "\"zz_quote\"", StringComparison.Ordinal)));

        var rejected = result.Findings.Single(f => f.Action == DriftAction.Rejected);
        rejected.ExpectedField.ShouldBe("current_price");
        rejected.ObservedField.ShouldBe("zz_quote");
        rejected.Confidence.ShouldBeLessThan(0.8m);
        result.Plans[ApiField.Price].MissingReason!.ShouldStartWith("field 'current_price' is missing (schema drift, closest field 'zz_quote' scores");
        result.Findings.Single(f => f.Action == DriftAction.NewField).ObservedField.ShouldBe("zz_quote");
    }

    [Fact]
    public void Detect_WhenAnOptionalFieldIsGone_ReportsItMissingAndReadsNothing()
    {
        var result = Detector.Detect(CoinGeckoSchema.Markets, Json(GeckoItem.Replace("\"market_cap\":1525711563723,", string.Empty, StringComparison.Ordinal)));

        var finding = result.Findings.ShouldHaveSingleItem();
        finding.Action.ShouldBe(DriftAction.Missing);
        finding.ExpectedField.ShouldBe("market_cap");
        result.Plans[ApiField.MarketCap].MissingReason.ShouldBeNull();
    }

    [Fact]
    public void Detect_WhenOnlyNewFieldsAppear_ReportsEachAsNewWithZeroConfidence()
    {
        var result = Detector.Detect(CoinGeckoSchema.Markets, Json(GeckoItem.Replace("{\"id\"", "{\"listing_venue\":\"x\",\"id\"", StringComparison.Ordinal)));

        var finding = result.Findings.ShouldHaveSingleItem();
        finding.Action.ShouldBe(DriftAction.NewField);
        finding.ObservedField.ShouldBe("listing_venue");
        finding.Confidence.ShouldBe(0m);
        result.Plans.Values.ShouldAllBe(p => p.MissingReason == null);
    }

    [Fact]
    public void Detect_KnowsTheOptionalPeriodFieldsOfCoinGecko()
    {
        var item = GeckoItem.Replace("{\"id\"", "{\"price_change_percentage_7d_in_currency\":1.2,\"price_change_percentage_1y_in_currency\":null,\"id\"", StringComparison.Ordinal);

        Detector.Detect(CoinGeckoSchema.Markets, Json(item)).Findings.ShouldBeEmpty();
    }

    [Fact]
    public void Detect_WhenANestedFieldIsRenamed_MapsItInsideItsObject()
    {
        var result = Detector.Detect(CoinPaprikaSchema.Tickers, Json(PaprikaItem.Replace("\"price\":", "\"Price\":", StringComparison.Ordinal)));

        var finding = result.Findings.ShouldHaveSingleItem();
        finding.Action.ShouldBe(DriftAction.Mapped);
        finding.ExpectedField.ShouldBe("quotes.USD.price");
        finding.ObservedField.ShouldBe("quotes.USD.Price");
        result.Plans[ApiField.Price].Segments.ShouldBe(["quotes", "USD", "Price"]);
    }

    [Fact]
    public void Detect_WhenANestedObjectIsRenamed_FollowsItForEveryFieldBelow()
    {
        var result = Detector.Detect(CoinPaprikaSchema.Tickers, Json(PaprikaItem.Replace("\"quotes\":", "\"quote\":", StringComparison.Ordinal)));

        result.Findings.ShouldHaveSingleItem().ObservedField.ShouldBe("quote");
        result.Plans[ApiField.Price].Segments.ShouldBe(["quote", "USD", "price"]);
        result.Plans[ApiField.MarketCap].Segments.ShouldBe(["quote", "USD", "market_cap"]);
    }

    [Fact]
    public void Detect_WhenANestedObjectIsGone_RejectsOnceForTheObject()
    {
        var result = Detector.Detect(CoinPaprikaSchema.Tickers, Json("""{"id":"x-x","name":"X","symbol":"X","last_updated":"2023-08-11T08:09:18Z"}"""));

        var finding = result.Findings.ShouldHaveSingleItem();
        finding.ExpectedField.ShouldBe("quotes");
        finding.Action.ShouldBe(DriftAction.Rejected);
        result.Plans[ApiField.Price].MissingReason.ShouldBe("field 'quotes.USD.price' is missing (schema drift, no similar field)");
        result.Plans[ApiField.MarketCap].MissingReason.ShouldBeNull();
    }

    [Fact]
    public void Detect_WhenTheThresholdIsHigherThanTheScore_RejectsInsteadOfMapping()
    {
        var strict = new SchemaDriftDetector(1m);

        var result = strict.Detect(CoinGeckoSchema.Markets, Json(GeckoItem.Replace("\"current_price\"", "\"current_prices\"", StringComparison.Ordinal)));

        result.Findings.ShouldContain(f => f.Action == DriftAction.Rejected && f.ObservedField == "current_prices");
    }

    [Fact]
    public void Detect_WhenTheItemIsNotAnObject_ReadsAsExpectedAndFindsNothing()
    {
        var result = Detector.Detect(CoinGeckoSchema.Markets, Json("[1,2]"));

        result.Findings.ShouldBeEmpty();
        result.Plans[ApiField.Id].Segments.ShouldBe(["id"]);
    }
}
