using Kasparro.Infrastructure.Persistence;
using Kasparro.IntegrationTests.Fixtures;
using Npgsql;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>The fixture's own promises: a server of its own can go down and come back with its data.</summary>
[Collection(DedicatedPostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresServer server)
{
    [Fact]
    public async Task StopThenStart_RefusesConnectionsWhileDownAndKeepsTheData()
    {
        if (!server.CanStopAndStart)
        {
            return; // TEST_DATABASE_URL: someone else's server is not stopped by tests.
        }

        var connectionString = await server.CreateDatabaseAsync();
        await using (var database = new PostgresDatabase(connectionString))
        {
            await using var insert = database.DataSource.CreateCommand("INSERT INTO ticker_aliases (alias, ticker) VALUES ('KEEP', 'KEPT')");
            await insert.ExecuteNonQueryAsync();
        }

        await server.StopAsync();
        await using (var down = new PostgresDatabase(connectionString + ";Timeout=2"))
        {
            await Should.ThrowAsync<NpgsqlException>(async () => await down.DataSource.OpenConnectionAsync());
        }

        await server.StartAsync();
        await using var up = new PostgresDatabase(connectionString);
        await using var read = up.DataSource.CreateCommand("SELECT ticker FROM ticker_aliases WHERE alias = 'KEEP'");
        (await read.ExecuteScalarAsync()).ShouldBe("KEPT");
    }
}
