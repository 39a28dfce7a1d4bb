using Kasparro.Application;
using Kasparro.Application.Assets;
using Kasparro.Infrastructure;
using Mapster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kasparro.UnitTests.Application;

/// <summary>The one mapping configuration the host registers, composed of Application's and Infrastructure's parts.</summary>
public sealed class MappingConfigurationTests
{
    private static TypeAdapterConfig Registered()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("DATABASE_URL", "Host=127.0.0.1;Database=unused")]).Build();
        var services = new ServiceCollection().AddLogging().AddApplication().AddInfrastructure(configuration).BuildServiceProvider();
        return services.GetRequiredService<TypeAdapterConfig>();
    }

    [Fact]
    public void EveryMapping_AndEveryDatabaseProjection_Compiles()
    {
        var config = Registered();

        config.RuleMap.ShouldNotBeEmpty();
        config.Compile();
        config.CompileProjection();
    }

    [Fact]
    public void AnAssetRecord_BecomesAView_WithTheConsensusOfItsLatestQuotes()
    {
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        var record = new AssetRecord(
            Guid.NewGuid(), "BTC", "Bitcoin", 1_700m, true, [],
            [new LatestQuoteView("coingecko", "bitcoin", 87_100m, null, null, null, now), new LatestQuoteView("csv", "btc", 87_000m, null, null, null, now)]);

        var view = record.Adapt<AssetView>(Registered());

        view.Id.ShouldBe(record.Id);
        view.Primary.ShouldBeTrue();
        view.Latest.ShouldBe(record.Latest);
        var consensus = view.Consensus.ShouldNotBeNull();
        consensus.MedianPriceUsd.ShouldBe(87_050m);
        consensus.SpreadUsd.ShouldBe(100m);
        consensus.Sources.ShouldBe(["coingecko", "csv"]);
    }
}
