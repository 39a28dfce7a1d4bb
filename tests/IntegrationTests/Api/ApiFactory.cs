using Kasparro.IntegrationTests.Fixtures;
using Kasparro.Infrastructure.Persistence;
using Kasparro.Infrastructure.Persistence.Changes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Kasparro.IntegrationTests.Api;

/// <summary>
/// The real API in process (<see cref="WebApplicationFactory{TEntryPoint}"/> over <c>serve</c>'s composition) on a fresh,
/// migrated database of its own. No ETL runs unless a test asks. Subclasses change settings through
/// <see cref="Settings"/>; <see cref="Time"/> is the app's clock (a fake one, so rate limits recover without waiting).
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly PostgresServer? _ownServer;
    private readonly TempCsvFolder _csv = new();
    private NpgsqlDataSource? _dataSource;
    private readonly List<IHost> _hosts = [];

    public ApiFactory()
    {
    }

    /// <summary>An app on a database of the given server (one a test may stop and start). Not public: a class fixture has one public constructor.</summary>
    internal ApiFactory(PostgresServer server) => _ownServer = server;

    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The app's CSV_PATH: a folder of this factory's own holding one small file (one BTC row).</summary>
    public string CsvFolder => _csv.Path;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public PostgresServer Postgres { get; private set; } = null!;

    /// <summary>Configuration for the app on top of the test defaults (keys as in docs/reference/configuration.md).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Where the server comes from: the shared one, unless a test class needs one it may stop.</summary>
    protected virtual Task<PostgresServer> ServerAsync() => _ownServer is null ? PostgresServer.SharedAsync() : Task.FromResult(_ownServer);

    public NpgsqlDataSource Data => _dataSource ?? throw new InvalidOperationException("not initialized");

    public async Task InitializeAsync()
    {
        _csv.Write("quotes.csv", "symbol,name,price,timestamp\nBTC,Bitcoin,87000.5,2026-11-20T00:00:00Z\n");
        Postgres = await ServerAsync();
        ConnectionString = await Postgres.CreateDatabaseAsync();
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
        await SeedAsync();
    }

    /// <summary>Rows a test class needs before its first request.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    /// <summary>
    /// Writes as the platform's writers do: the statement and the data version's bump commit together, and the app (once
    /// it runs) is told at once, as a commit of its own process would tell it.
    /// </summary>
    public async Task<int> ExecuteAsync(string sql, params object?[] parameters)
    {
        await using var batch = Data.CreateBatch();
        var statement = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            statement.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        batch.BatchCommands.Add(statement);
        batch.BatchCommands.Add(DataVersionSql.Bump());
        await batch.ExecuteNonQueryAsync();
        IHost[] running;
        lock (_hosts)
        {
            running = [.. _hosts];
        }

        foreach (var host in running)
        {
            host.Services.GetRequiredService<PostgresDatabase>().DataVersion.Changed();
        }

        return statement.RecordsAffected;
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object?[] parameters)
    {
        await using var command = Data.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        _csv.Dispose();

        if (ConnectionString.Length > 0 && Postgres.IsRunning)
        {
            await Postgres.DropDatabaseAsync(ConnectionString);
        }
    }

    /// <summary>This factory's hosts (one more per <c>WithWebHostBuilder</c>), each until it stops: the writes above tell them.</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        lock (_hosts)
        {
            _hosts.Add(host);
        }

        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() =>
        {
            lock (_hosts)
            {
                _hosts.Remove(host);
            }
        });
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["DATABASE_URL"] = ConnectionString,
            ["ETL_ON_STARTUP"] = "false",
            ["ETL_INTERVAL"] = "0",
            ["LOG_FORMAT"] = "text",
            ["SOURCES"] = "csv",
            ["CSV_PATH"] = CsvFolder,
            ["API_RATE_LIMIT"] = "0",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
        });
    }
}
