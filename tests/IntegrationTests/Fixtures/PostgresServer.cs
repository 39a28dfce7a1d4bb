using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Kasparro.Infrastructure.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Kasparro.IntegrationTests.Fixtures;

/// <summary>
/// A PostgreSQL server for tests. With <c>TEST_DATABASE_URL</c> set, that server (its user needs CREATEDB).
/// Otherwise a throwaway cluster from the machine's own binaries: <c>initdb</c> into /tmp/kasparro-pg-&lt;guid&gt;
/// (mode 0700, owned by the <c>postgres</c> OS user when the tests run as root), SCRAM authentication with a password
/// generated for this run, 127.0.0.1 on a free port, no fsync; stopped with <c>pg_ctl stop -m immediate</c> and
/// deleted on dispose. A watchdog removes it too if the test process is killed before it can.
/// <para>
/// <see cref="SharedAsync"/> is the one server most test classes share (each gets its own database from
/// <see cref="CreateDatabaseAsync"/>, so classes run in parallel). As a collection fixture
/// (<see cref="DedicatedPostgresCollection"/>) an instance is a server of its own, which tests may stop and start.
/// </para>
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string OsUser = "postgres";
    private const string SuperUser = "postgres";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartSharedAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private string? _bindir;
    private string? _root;
    private int _port;
    private Process? _watchdog;

    /// <summary>Superuser connection string to the <c>postgres</c> database (to TEST_DATABASE_URL's database when given).</summary>
    public string AdminConnectionString { get; private set; } = string.Empty;

    /// <summary>False with TEST_DATABASE_URL: someone else's server is not stopped by tests.</summary>
    public bool CanStopAndStart => _root is not null;

    public bool IsRunning { get; private set; }

    private static bool IsRoot => Environment.UserName == "root";

    private string DataDirectory => Path.Combine(_root!, "data");

    /// <summary>The server shared by every test class in this process; started on first use, stopped at exit.</summary>
    public static Task<PostgresServer> SharedAsync() => Shared.Value;

    public async Task InitializeAsync()
    {
        var url = Environment.GetEnvironmentVariable("TEST_DATABASE_URL");
        if (!string.IsNullOrWhiteSpace(url))
        {
            AdminConnectionString = DatabaseUrl.ToConnectionString(url);
            IsRunning = true;
            return;
        }

        await CreateClusterAsync();
        await StartAsync();
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

    /// <summary>Starts the stopped cluster on the same port (a free one is looked for if another process took it).</summary>
    public async Task StartAsync()
    {
        EnsureOwnCluster();
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (attempt > 0 || _port == 0)
            {
                _port = FreePort();
            }

            var (exitCode, output) = await PgAsync("pg_ctl", "start", "-w", "-t", "30", "-D", DataDirectory, "-l", Path.Combine(_root!, "postgres.log"), "-o", $"-p {_port}");
            if (exitCode == 0)
            {
                IsRunning = true;
                AdminConnectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Port = _port }.ConnectionString;
                return;
            }

            last = new InvalidOperationException($"pg_ctl start failed ({exitCode}): {output}\n{ServerLogTail()}");
        }

        throw last!;
    }

    /// <summary>
    /// Stops the cluster; <see cref="StartAsync"/> brings it back. Fast shutdown by default (connections are cut at
    /// once, committed data survives); <paramref name="immediate"/> stops it as a crash would, and with
    /// <c>synchronous_commit = off</c> the last commits may then be lost.
    /// </summary>
    public async Task StopAsync(bool immediate = false)
    {
        EnsureOwnCluster();
        if (!IsRunning)
        {
            return;
        }

        var (exitCode, output) = await PgAsync("pg_ctl", "stop", "-w", "-m", immediate ? "immediate" : "fast", "-D", DataDirectory);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl stop failed ({exitCode}): {output}");
        }

        IsRunning = false;

        // Idle admin connections died with the server; open fresh ones after the next start.
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        NpgsqlConnection.ClearPool(admin);
    }

    public async Task DisposeAsync()
    {
        if (_root is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        if (IsRunning)
        {
            await PgAsync("pg_ctl", "stop", "-w", "-m", "immediate", "-D", DataDirectory);
            IsRunning = false;
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // The watchdog removes what is left.
        }

        if (_watchdog is { HasExited: false })
        {
            _watchdog.Kill();
        }

        _watchdog?.Dispose();
        _root = null;
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var server = new PostgresServer();
        await server.InitializeAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().GetAwaiter().GetResult();
        return server;
    }

    private async Task CreateClusterAsync()
    {
        _bindir = await FindBinDirAsync();
        var root = Path.Combine("/tmp", $"kasparro-pg-{Guid.NewGuid():N}");
        if (IsRoot)
        {
            // Created by postgres itself (/tmp is world-writable), so it owns it: no chown needed.
            var (code, output) = await RunAsync("runuser", ["-u", OsUser, "--", "mkdir", "-m", "0700", root], "/tmp");
            if (code != 0)
            {
                throw new InvalidOperationException($"cannot create {root} as {OsUser}: {output}");
            }
        }
        else if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _root = root;
        StartWatchdog();

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', 'A').Replace('/', 'B').TrimEnd('=');
        var passwordFile = Path.Combine(root, "pwfile");

        // Readable by the cluster owner; the 0700 directory keeps everyone else out.
        await File.WriteAllTextAsync(passwordFile, password + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        try
        {
            var (code, output) = await PgAsync(
                "initdb", "-D", DataDirectory, "-U", SuperUser, "-A", "scram-sha-256", $"--pwfile={passwordFile}",
                "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");
            if (code != 0)
            {
                throw new InvalidOperationException($"initdb failed ({code}): {output}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }

        // Appended by the test process; the file keeps its owner. Speed over durability: the cluster is thrown away.
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{root}'
            max_connections = 200
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            shared_buffers = 128MB
            """);

        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Username = SuperUser,
            Password = password,
            Database = "postgres",
            Pooling = true,
            MaxPoolSize = 20,
        }.ConnectionString;
    }

    /// <summary>Stops the cluster and deletes its directory if this process dies without disposing it.</summary>
    private void StartWatchdog()
    {
        var runAs = IsRoot ? $"runuser -u {OsUser} -- " : string.Empty;
        var script = $"""
            exec </dev/null >/dev/null 2>&1
            while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done
            {runAs}'{Path.Combine(_bindir!, "pg_ctl")}' stop -m immediate -D '{DataDirectory}'
            rm -rf '{_root}'
            """;
        var start = new ProcessStartInfo(File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/tmp",
        };
        if (start.FileName.EndsWith("setsid", StringComparison.Ordinal))
        {
            start.ArgumentList.Add("/bin/sh");
        }

        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        _watchdog = Process.Start(start);
    }

    private Task<(int ExitCode, string Output)> PgAsync(string program, params string[] arguments)
    {
        var executable = Path.Combine(_bindir!, program);
        return IsRoot
            ? RunAsync("runuser", ["-u", OsUser, "--", executable, .. arguments], _root!)
            : RunAsync(executable, arguments, _root!);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, new StringBuilder().Append(await stdout).Append(await stderr).ToString().Trim());
    }

    private static async Task<string> FindBinDirAsync()
    {
        try
        {
            var (code, output) = await RunAsync("pg_config", ["--bindir"], "/tmp");
            if (code == 0 && File.Exists(Path.Combine(output, "initdb")))
            {
                return output;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // pg_config is not installed (only the server package is): look in the Debian layout.
        }

        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .ToList()
            : [];
        return candidates.FirstOrDefault()
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found: install them (apt-get install postgresql) or set TEST_DATABASE_URL");
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

    private string ServerLogTail()
    {
        var log = Path.Combine(_root!, "postgres.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : string.Empty;
    }

    private void EnsureOwnCluster()
    {
        if (_root is null)
        {
            throw new InvalidOperationException("This server is not a throwaway cluster of this process (TEST_DATABASE_URL is set): it cannot be stopped or started.");
        }
    }
}

/// <summary>Tests that stop and start the server share one server of their own, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class DedicatedPostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "dedicated postgres server";
}
