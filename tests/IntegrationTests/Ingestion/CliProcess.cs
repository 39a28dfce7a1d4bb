using System.Diagnostics;
using Kasparro.IntegrationTests.Fixtures;

namespace Kasparro.IntegrationTests.Ingestion;

/// <summary>The real executable (the WebApi host) run as a child process, as an operator would run it.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private CliProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static CliProcess Start(string connectionString, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DATABASE_URL"] = connectionString;
        start.Environment["LOG_FORMAT"] = "json";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new CliProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the host"));
    }

    public static async Task<CliResult> RunAsync(string connectionString, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        using var process = Start(connectionString, environment, arguments);
        return await process.WaitAsync(TimeSpan.FromMinutes(3));
    }

    public async Task<CliResult> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return new CliResult(_process.ExitCode, await _stdout, await _stderr);
    }

    /// <summary>SIGINT, as Ctrl+C sends it on a terminal.</summary>
    public async Task InterruptAsync()
    {
        using var kill = Process.Start("kill", ["-INT", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -INT {Id} exited {kill.ExitCode}");
        }
    }

    /// <summary>SIGKILL: no handler runs, nothing is flushed; exactly what a crash or an OOM kill does.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    /// <summary>The host built beside this test assembly, in the same configuration (Debug or Release).</summary>
    private static string HostDll
    {
        get
        {
            var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = testDirectory.Name;
            var configuration = testDirectory.Parent!.Name;
            var dll = Path.Combine(Repository.Root, "src", "WebApi", "bin", configuration, framework, "Kasparro.WebApi.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("build the solution first", dll);
        }
    }
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The JSON summary lines (one per source) at the end of stdout.</summary>
    public IReadOnlyList<System.Text.Json.JsonElement> Summaries =>
        [.. Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{'))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)];
}
