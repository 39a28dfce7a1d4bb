using Kasparro.Infrastructure.Persistence;
using Kasparro.IntegrationTests.Fixtures;
using Npgsql;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>The fixture's own promises: a server of its own can go down and come back with its data.</summary>
[Collection(DedicatedPostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresServer server)
{
    [Fact]
    public async Task Server_RunsWithTheShippedSettingsAndTheTestOnes()
    {
        server.CanStopAndStart.ShouldBeTrue("this test needs a server of its own (TEST_DATABASE_URL servers are configured elsewhere)");
        // One from scripts/lib.sh, one the tests add.
        PostgresServer.ServerSettings.ShouldContain(s => s.StartsWith("shared_buffers=", StringComparison.Ordinal));
        PostgresServer.ServerSettings.ShouldContain("max_connections=200");

        await using var admin = new NpgsqlConnection(server.AdminConnectionString);
        await admin.OpenAsync();
        foreach (var setting in PostgresServer.ServerSettings)
        {
            var pair = setting.Split('=', 2);
            await using var show = new NpgsqlCommand("SELECT current_setting($1)", admin) { Parameters = { new() { Value = pair[0] } } };
            (await show.ExecuteScalarAsync()).ShouldBe(pair[1], $"{pair[0]} as PostgreSQL shows it");
        }
    }

    [Fact]
    public async Task StopThenStart_RefusesConnectionsWhileDownAndKeepsTheData()
    {
        server.CanStopAndStart.ShouldBeTrue("this test needs a server of its own (TEST_DATABASE_URL servers cannot be stopped)");

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
