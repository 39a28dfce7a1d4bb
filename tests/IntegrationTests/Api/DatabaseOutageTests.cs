using System.Net;
using Kasparro.IntegrationTests.Api.Caching;
using Kasparro.IntegrationTests.Fixtures;

namespace Kasparro.IntegrationTests.Api;

/// <summary>
/// The database goes away and comes back under a running API: health says 503 "unreachable", reads are 503 problems
/// (never a 500 or a stack trace), and both recover as soon as the server is back.
/// </summary>
[Collection(DedicatedPostgresCollection.Name)]
public sealed class DatabaseOutageTests(PostgresServer server)
{
    [Fact]
    public async Task Health_Is503WhileTheDatabaseIsDown_And200OnceItIsBack()
    {
        server.CanStopAndStart.ShouldBeTrue("this test needs a server of its own (TEST_DATABASE_URL servers cannot be stopped)");
        await using var api = new ApiFactory(server);
        await api.InitializeAsync();
        var client = api.CreateClient();
        (await client.GetJsonAsync("/health")).GetProperty("database").GetString().ShouldBe("connected");
        await client.GetJsonAsync("/v1/data");

        await server.StopAsync();
        try
        {
            // Until the app knows its change listener lost the server, it may answer from its cache (nothing can commit now).
            await CacheProbe.UntilAsync(async () => await client.MetricAsync("data_changes_listening") == 0, "the app knows its listener is down");
            using var read = await client.GetAsync("/v1/data");
            var problem = await read.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
            problem.GetProperty("title").GetString().ShouldBe("The database is unavailable.");
            read.Headers.RetryAfter.ShouldNotBeNull();

            var down = await client.GetJsonAsync("/health", HttpStatusCode.ServiceUnavailable);
            down.GetProperty("database").GetString().ShouldBe("unreachable");
            (await client.GetJsonAsync("/health/live")).GetProperty("status").GetString().ShouldBe("ok");
        }
        finally
        {
            await server.StartAsync();
        }

        var up = await client.GetJsonAsync("/health");
        up.GetProperty("database").GetString().ShouldBe("connected");
        up.GetProperty("status").GetString().ShouldBe("ok");
        await client.GetJsonAsync("/v1/data");
    }
}
