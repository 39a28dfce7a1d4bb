using Kasparro.Infrastructure.Sources.Csv;

namespace Kasparro.UnitTests.Sources.Csv;

public sealed class CsvColumnMapTests
{
    [Fact]
    public void Create_FindsColumnsByAliasIgnoringCaseSpaceAndOrder()
    {
        var map = CsvColumnMap.Create([" Observed_At", "PRICE_USD", "extra", " Ticker ", "Coin", "24h_Volume_USD", "MarketCap", "Change %", "Asset_ID"]);

        map.IndexOf(QuoteColumn.Timestamp).ShouldBe(0);
        map.IndexOf(QuoteColumn.Price).ShouldBe(1);
        map.IndexOf(QuoteColumn.Symbol).ShouldBe(3);
        map.IndexOf(QuoteColumn.Name).ShouldBe(4);
        map.IndexOf(QuoteColumn.Volume).ShouldBe(5);
        map.IndexOf(QuoteColumn.MarketCap).ShouldBe(6);
        map.IndexOf(QuoteColumn.PercentChange24h).ShouldBe(7);
        map.IndexOf(QuoteColumn.Id).ShouldBe(8);
    }

    [Theory]
    [InlineData("snapped_at,price,market_cap,total_volume", 0, 1, 2, 3)]
    [InlineData("SNo,Name,Symbol,Date,High,Low,Open,Close,Volume,Marketcap", 3, 7, 9, 8)]
    [InlineData("\"Date\",\"Price\",\"Open\",\"High\",\"Low\",\"Vol.\",\"Change %\"", 0, 1, -1, 5)]
    [InlineData(",24h_volume_usd,available_supply,id,last_updated,market_cap_usd,max_supply,name,percent_change_1h,percent_change_24h,percent_change_7d,price_btc,price_usd,rank,symbol,total_supply", 4, 12, 5, 1)]
    public void Create_MapsTheRealExportHeaders(string header, int timestamp, int price, int marketCap, int volume)
    {
        var map = CsvColumnMap.Create(header.Split(',').Select(h => h.Trim('"')).ToArray());

        map.IndexOf(QuoteColumn.Timestamp).ShouldBe(timestamp);
        map.IndexOf(QuoteColumn.Price).ShouldBe(price);
        map.IndexOf(QuoteColumn.MarketCap).ShouldBe(marketCap);
        map.IndexOf(QuoteColumn.Volume).ShouldBe(volume);
    }

    [Fact]
    public void Create_WhenSeveralColumnsMatchOneField_TakesTheEarlierAlias()
    {
        var map = CsvColumnMap.Create(["last", "date", "close", "timestamp"]);

        map.IndexOf(QuoteColumn.Price).ShouldBe(2);
        map.IndexOf(QuoteColumn.Timestamp).ShouldBe(3);
    }

    [Fact]
    public void Create_NamesUnnamedAndRepeatedColumnsForTheRawRow()
    {
        var map = CsvColumnMap.Create(["", "price", "price", " "]);

        map.PropertyName(0).Value.ShouldBe("_col0");
        map.PropertyName(1).Value.ShouldBe("price");
        map.PropertyName(2).Value.ShouldBe("price_2");
        map.PropertyName(3).Value.ShouldBe("_col3");
        map.PropertyName(4).Value.ShouldBe("_col4");
        map.ColumnName(0).ShouldBe("_col0");
        map.Has(QuoteColumn.Symbol).ShouldBeFalse();
        map.IndexOf(QuoteColumn.Symbol).ShouldBe(-1);
    }

    [Theory]
    [InlineData("btc-usd-max.csv", "btc")]
    [InlineData("coingecko_btc-usd-max.csv", "btc")]
    [InlineData("ETH-USD.csv", "ETH")]
    [InlineData("shib-USD-max.csv", "shib")]
    [InlineData("my export 1inch-usd-max.csv", "1inch")]
    [InlineData("btc-usdt.csv", null)]
    [InlineData("coin_Bitcoin.csv", null)]
    [InlineData("-usd-max.csv", null)]
    [InlineData("quirk_investing_btc_historical.csv", null)]
    public void FileNameTicker_IsTheTokenBeforeDashUsd(string fileName, string? ticker)
    {
        CsvFileNameTicker.From(fileName).ShouldBe(ticker);
    }
}
