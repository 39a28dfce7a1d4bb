using Kasparro.IntegrationTests.Api.Runs;
using Kasparro.IntegrationTests.Fixtures;

namespace Kasparro.IntegrationTests.Api.Metrics;

/// <summary>With the database stopped, <c>/metrics</c> still answers 200: <c>db_up 0</c> and no ETL series; then back.</summary>
[Collection(DedicatedPostgresCollection.Name)]
public sealed class MetricsOutageTests(PostgresServer server)
{
    [Fact]
    public async Task Metrics_WhileTheDatabaseIsDown_SayDbUp0WithoutEtlSeries_AndRecover()
    {
        server.CanStopAndStart.ShouldBeTrue("this test needs a server of its own (TEST_DATABASE_URL servers cannot be stopped)");
        await using var api = new ApiFactory(server);
        await api.InitializeAsync();
        await api.RunAsync("csv", new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero), loaded: 5);
        var client = api.CreateClient();
        var up = await client.ScrapeAsync();
        up.Samples().ShouldContain("db_up{} 1");
        up.Samples().ShouldContain("etl_records_total{outcome=\"loaded\",source=\"csv\"} 5");

        await server.StopAsync();
        string down;
        try
        {
            down = await client.ScrapeAsync();
        }
        finally
        {
            await server.StartAsync();
        }

        down.Samples().ShouldContain("api_up{} 1");
        down.Samples().ShouldContain("db_up{} 0");
        down.ShouldNotContain("etl_");
        var back = await client.ScrapeAsync();
        back.Samples().ShouldContain("db_up{} 1");
        back.Samples().ShouldContain("etl_records_total{outcome=\"loaded\",source=\"csv\"} 5");
    }
}
