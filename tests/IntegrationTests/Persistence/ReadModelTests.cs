using Kasparro.Domain.Assets;
using Kasparro.Domain.Markets;
using Kasparro.Infrastructure.Persistence;
using Kasparro.Infrastructure;
using Kasparro.IntegrationTests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Kasparro.IntegrationTests.Persistence.TestData;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>The EF Core read models map every column of the tables the batch path writes.</summary>
public sealed class ReadModelTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task ReadModels_AfterABatch_ReadEveryTableThroughTheRegisteredContext()
    {
        var store = new PostgresIngestionStore(db.Database);
        var run = Run(SourceNames.Csv, T0);
        await store.AddRunAsync(run, CancellationToken.None);
        var asset = Asset("READ", "Read Coin", 123.45m);
        var quote = Quote(asset, "read", price: 0.000000012345678m, observedAt: T0.AddDays(1), marketCap: 999_999_999_999.123456789m)
            with { Volume24hUsd = 12.5m, PercentChange24h = -3.25m };
        await db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "read", method: MappingMethod.SymbolAndName, confidence: 0.95m)]);
        await db.Database.StoreBatchAsync(run, Batch(
            raw: [Raw("""{"symbol":"READ"}""")], quotes: [quote], rejections: [Rejection("""{"symbol":"READ","price":""}""", "price is missing")],
            drift: [new("read.csv", "price", "cost", 0.5m, "rejected", "no price column")], checkpoints: [Checkpoint("read.csv", 0, 100)]));

        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("DATABASE_URL", db.ConnectionString)]).Build();
        await using var services = new ServiceCollection().AddLogging().AddInfrastructure(configuration).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<KasparroDbContext>();

        var storedQuote = await context.Quotes.SingleAsync(q => q.SourceAssetId == "read");
        storedQuote.PriceUsd.ShouldBe(0.000000012345678m);
        storedQuote.MarketCapUsd.ShouldBe(999_999_999_999.123456789m);
        storedQuote.Volume24hUsd.ShouldBe(12.5m);
        storedQuote.PercentChange24h.ShouldBe(-3.25m);
        storedQuote.ObservedAt.ShouldBe(T0.AddDays(1));
        storedQuote.RunId.ShouldBe(run.Id);

        var storedAsset = await context.Assets.Include(a => a.Sources).SingleAsync(a => a.Id == asset.Id);
        storedAsset.NormalizedName.ShouldBe("readcoin");
        storedAsset.Sources.ShouldHaveSingleItem().Method.ShouldBe("symbol+name");
        context.ChangeTracker.Entries().ShouldBeEmpty();

        (await context.Runs.SingleAsync(r => r.Id == run.Id)).Status.ShouldBe("running");
        (await context.RejectedRecords.SingleAsync(r => r.RunId == run.Id)).Reasons.ShouldBe(new[] { "price is missing" });
        (await context.SchemaDriftEvents.SingleAsync(d => d.RunId == run.Id)).ObservedField.ShouldBe("cost");
        (await context.Checkpoints.SingleAsync(c => c.Stream == "read.csv")).Position.ShouldBe(100);
        (await context.AssetSources.SingleAsync(s => s.SourceAssetId == "read")).Confidence.ShouldBe(0.95m);
        (await context.TickerAliases.SingleAsync(a => a.Alias == "XBT")).Ticker.ShouldBe("BTC");
    }

    [Theory]
    [InlineData("MarketCapUsd", "market_cap_usd")]
    [InlineData("Volume24hUsd", "volume_24h_usd")]
    [InlineData("PercentChange24h", "percent_change_24h")]
    [InlineData("Id", "id")]
    public void SnakeCase_MatchesTheSqlColumnNames(string property, string column) =>
        KasparroDbContext.SnakeCase(property).ShouldBe(column);
}
