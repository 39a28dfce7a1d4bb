using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Kasparro.Infrastructure.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Kasparro.IntegrationTests.Fixtures;

/// <summary>
/// A PostgreSQL server for tests. With <c>TEST_DATABASE_URL</c> set, that server (its user needs CREATEDB).
/// Otherwise a throwaway server of this process: a <c>postgres:15</c> container when a Docker engine answers
/// (<see cref="PostgresContainer"/>), else a cluster from the machine's own binaries (<see cref="LocalPostgresCluster"/>).
/// Both run with <see cref="ServerSettings"/>; which one was taken is written to stderr once per server.
/// <para>
/// <see cref="SharedAsync"/> is the one server most test classes share (each gets its own database from
/// <see cref="CreateDatabaseAsync"/>, so classes run in parallel). As a collection fixture
/// (<see cref="DedicatedPostgresCollection"/>) an instance is a server of its own, which tests may stop and start.
/// </para>
/// </summary>
public sealed partial class PostgresServer : IAsyncLifetime
{
    internal const string SuperUser = "postgres";

    /// <summary>What tests need on top of the shipped settings: many pools at once, and speed over durability.</summary>
    private static readonly string[] TestSettings = ["max_connections=200", "fsync=off", "synchronous_commit=off", "full_page_writes=off"];

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartSharedAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private IThrowawayPostgres? _server;

    /// <summary>Superuser connection string to the <c>postgres</c> database (to TEST_DATABASE_URL's database when given).</summary>
    public string AdminConnectionString { get; private set; } = string.Empty;

    /// <summary>False with TEST_DATABASE_URL: someone else's server is not stopped by tests.</summary>
    public bool CanStopAndStart => _server is not null;

    public bool IsRunning { get; private set; }

    /// <summary>The server settings the project ships (PG_SERVER_SETTINGS in scripts/lib.sh), then <see cref="TestSettings"/>.</summary>
    internal static IReadOnlyList<string> ServerSettings { get; } = [.. ShippedSettings(), .. TestSettings];

    /// <summary>The server shared by every test class in this process; started on first use, stopped at exit.</summary>
    public static Task<PostgresServer> SharedAsync() => Shared.Value;

    public async Task InitializeAsync()
    {
        var url = Environment.GetEnvironmentVariable("TEST_DATABASE_URL");
        if (!string.IsNullOrWhiteSpace(url))
        {
            AdminConnectionString = DatabaseUrl.ToConnectionString(url);
            IsRunning = true;
            await Console.Error.WriteLineAsync("PostgreSQL for tests: TEST_DATABASE_URL");
            return;
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', 'A').Replace('/', 'B').TrimEnd('=');
        var looking = Stopwatch.StartNew();
        _server = await PostgresContainer.TryStartAsync(ServerSettings, password);
        var docker = looking.Elapsed;
        _server ??= await LocalPostgresCluster.StartNewAsync(ServerSettings, password);
        AdminConnectionString = _server.AdminConnectionString;
        IsRunning = true;
        await Console.Error.WriteLineAsync(_server is PostgresContainer
            ? $"PostgreSQL for tests: {_server.Description}"
            : $"PostgreSQL for tests: {_server.Description} (no Docker engine: {docker.TotalMilliseconds:F0} ms to find out)");
    }

    /// <summary>A fresh database, migrated with the real <see cref="DatabaseMigrator"/>; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var connectionString = await CreateEmptyDatabaseAsync(cancellationToken);
        await using var database = new PostgresDatabase(connectionString);
        await new DatabaseMigrator(database, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(cancellationToken);
        return connectionString;
    }

    /// <summary>A fresh database with no schema at all (for migration tests).</summary>
    public async Task<string> CreateEmptyDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = $"test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (!IsRunning || name is null || !name.StartsWith("test_", StringComparison.Ordinal))
        {
            return;
        }

        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Starts the stopped server again with its data (the local cluster looks for a free port if another process took its own).</summary>
    public async Task StartAsync()
    {
        var server = OwnServer();
        await server.StartAsync();
        AdminConnectionString = server.AdminConnectionString;
        IsRunning = true;
    }

    /// <summary>Stops the server (fast shutdown: connections are cut at once, committed data survives); <see cref="StartAsync"/> brings it back.</summary>
    public async Task StopAsync()
    {
        var server = OwnServer();
        if (!IsRunning)
        {
            return;
        }

        await server.StopAsync();
        IsRunning = false;

        // Idle admin connections died with the server; open fresh ones after the next start.
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        NpgsqlConnection.ClearPool(admin);
    }

    public async Task DisposeAsync()
    {
        if (_server is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await _server.DisposeAsync();
        IsRunning = false;
        _server = null;
    }

    /// <summary>A loopback port that was free a moment ago: nothing listens on it unless someone takes it since.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var server = new PostgresServer();
        await server.InitializeAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().GetAwaiter().GetResult();
        return server;
    }

    private static string[] ShippedSettings()
    {
        var lib = File.ReadAllText(Path.Combine(Repository.Root, "scripts", "lib.sh"));
        var match = ShippedSettingsPattern().Match(lib);
        return match.Success
            ? match.Groups["list"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : throw new InvalidOperationException("scripts/lib.sh declares no PG_SERVER_SETTINGS=(...)");
    }

    private IThrowawayPostgres OwnServer() => _server
        ?? throw new InvalidOperationException("This server is not a throwaway server of this process (TEST_DATABASE_URL is set): it cannot be stopped or started.");

    [GeneratedRegex(@"^PG_SERVER_SETTINGS=\((?<list>[^)]*)\)", RegexOptions.Multiline)]
    private static partial Regex ShippedSettingsPattern();
}

/// <summary>Tests that stop and start the server share one server of their own, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class DedicatedPostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "dedicated postgres server";
}
