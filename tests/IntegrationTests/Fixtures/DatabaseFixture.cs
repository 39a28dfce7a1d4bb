using Kasparro.Infrastructure.Persistence;
using Npgsql;

namespace Kasparro.IntegrationTests.Fixtures;

/// <summary>
/// A class fixture: a fresh, migrated database of its own on the shared server, so test classes run in parallel
/// without seeing each other's rows. Dropped when the class is done.
/// </summary>
public sealed class DatabaseFixture : IAsyncLifetime, IDisposable
{
    private PostgresServer? _server;
    private PostgresDatabase? _database;

    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>What the application uses: the lazily created data source with the production settings.</summary>
    public PostgresDatabase Database => _database ?? throw new InvalidOperationException("fixture not initialized");

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        ConnectionString = await _server.CreateDatabaseAsync();
        _database = new PostgresDatabase(ConnectionString);
    }

    public Task<T?> ScalarAsync<T>(string sql, params object[] parameters) => ScalarAsync<T>(Database, sql, parameters);

    /// <summary>The first value of a query on another database object (another pool onto the same database).</summary>
    public static async Task<T?> ScalarAsync<T>(PostgresDatabase database, string sql, params object[] parameters)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var command = database.DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async Task<int> ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = Database.DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (_server is not null && ConnectionString.Length > 0)
        {
            await _server.DropDatabaseAsync(ConnectionString);
        }
    }

    public void Dispose() => _database?.Dispose();
}
