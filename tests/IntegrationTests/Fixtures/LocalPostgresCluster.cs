using System.Diagnostics;
using System.Text;
using Npgsql;

namespace Kasparro.IntegrationTests.Fixtures;

/// <summary>
/// A throwaway cluster from the machine's own binaries: <c>initdb</c> into /tmp/kasparro-pg-&lt;guid&gt; (mode 0700,
/// owned by the <c>postgres</c> OS user when the tests run as root), SCRAM authentication with a password generated
/// for this run, 127.0.0.1 on a free port; stopped with <c>pg_ctl stop -m immediate</c> and deleted on dispose. A
/// watchdog removes it too if the test process is killed before it can.
/// </summary>
internal sealed class LocalPostgresCluster : IThrowawayPostgres
{
    private const string OsUser = "postgres";

    private readonly string _bindir;
    private readonly string _root;
    private int _port;
    private Process? _watchdog;

    private LocalPostgresCluster(string bindir, string root, string adminConnectionString)
    {
        _bindir = bindir;
        _root = root;
        AdminConnectionString = adminConnectionString;
    }

    public string AdminConnectionString { get; private set; }

    public string Description => $"local cluster from {_bindir}";

    private static bool IsRoot => Environment.UserName == "root";

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>Creates the cluster with <paramref name="settings"/> (name=value) in its configuration, and starts it.</summary>
    public static async Task<LocalPostgresCluster> StartNewAsync(IEnumerable<string> settings, string password)
    {
        var bindir = await FindBinDirAsync();
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

        var adminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Username = PostgresServer.SuperUser,
            Password = password,
            Database = "postgres",
            Pooling = true,
            MaxPoolSize = 20,
        }.ConnectionString;
        var cluster = new LocalPostgresCluster(bindir, root, adminConnectionString);
        cluster.StartWatchdog();
        await cluster.InitAsync(settings, password);
        await cluster.StartAsync();
        return cluster;
    }

    /// <summary>Starts the stopped cluster on the same port (a free one is looked for if another process took it).</summary>
    public async Task StartAsync()
    {
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (attempt > 0 || _port == 0)
            {
                _port = PostgresServer.FreePort();
            }

            var (exitCode, output) = await PgAsync("pg_ctl", "start", "-w", "-t", "30", "-D", DataDirectory, "-l", Path.Combine(_root, "postgres.log"), "-o", $"-p {_port}");
            if (exitCode == 0)
            {
                AdminConnectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Port = _port }.ConnectionString;
                return;
            }

            last = new InvalidOperationException($"pg_ctl start failed ({exitCode}): {output}\n{ServerLogTail()}");
        }

        throw last!;
    }

    /// <summary>Fast shutdown: connections are cut at once, committed data survives.</summary>
    public async Task StopAsync()
    {
        var (exitCode, output) = await PgAsync("pg_ctl", "stop", "-w", "-m", "fast", "-D", DataDirectory);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl stop failed ({exitCode}): {output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await PgAsync("pg_ctl", "stop", "-w", "-m", "immediate", "-D", DataDirectory);
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
    }

    private async Task InitAsync(IEnumerable<string> settings, string password)
    {
        var passwordFile = Path.Combine(_root, "pwfile");

        // Readable by the cluster owner; the 0700 directory keeps everyone else out.
        await File.WriteAllTextAsync(passwordFile, password + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        try
        {
            var (code, output) = await PgAsync(
                "initdb", "-D", DataDirectory, "-U", PostgresServer.SuperUser, "-A", "scram-sha-256", $"--pwfile={passwordFile}",
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

        // Appended by the test process; the file keeps its owner.
        string[] own = ["listen_addresses = '127.0.0.1'", $"unix_socket_directories = '{_root}'"];
        var given = settings.Select(setting => setting.Split('=', 2)).Select(pair => $"{pair[0]} = '{pair[1]}'");
        await File.AppendAllLinesAsync(Path.Combine(DataDirectory, "postgresql.conf"), ["", .. own, .. given]);
    }

    /// <summary>Stops the cluster and deletes its directory if this process dies without disposing it.</summary>
    private void StartWatchdog()
    {
        var runAs = IsRoot ? $"runuser -u {OsUser} -- " : string.Empty;
        var script = $"""
            exec </dev/null >/dev/null 2>&1
            while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done
            {runAs}'{Path.Combine(_bindir, "pg_ctl")}' stop -m immediate -D '{DataDirectory}'
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
        var executable = Path.Combine(_bindir, program);
        return IsRoot
            ? RunAsync("runuser", ["-u", OsUser, "--", executable, .. arguments], _root)
            : RunAsync(executable, arguments, _root);
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
                "PostgreSQL server binaries (initdb, pg_ctl) were not found: install them (apt-get install postgresql), start a Docker engine, or set TEST_DATABASE_URL");
    }

    private string ServerLogTail()
    {
        var log = Path.Combine(_root, "postgres.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : string.Empty;
    }
}
