using System.Diagnostics;
using System.Text;
using Kasparro.IntegrationTests.Fixtures;
using Npgsql;

namespace Kasparro.IntegrationTests.Delivery;

/// <summary>A script of the repository's <c>scripts/</c> folder run with bash from the repository root, as an operator runs it.</summary>
internal static class RepositoryScript
{
    public static async Task<ScriptResult> RunAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', arguments)} ran longer than {timeout}: {await stdout}{await stderr}");
        }

        return new ScriptResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The host built beside this test assembly (same configuration and framework), for the scripts that start it.</summary>
    public static string HostDll
    {
        get
        {
            var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(Repository.Root, "src", "WebApi", "bin", tests.Parent!.Name, tests.Name, "Kasparro.WebApi.dll");
        }
    }

    /// <summary>A test database's Npgsql connection string as the <c>postgres://</c> URL libpq's tools take.</summary>
    public static string PostgresUrl(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgres://{Uri.EscapeDataString(builder.Username!)}:{Uri.EscapeDataString(builder.Password!)}@{builder.Host}:{builder.Port}/{builder.Database}";
    }
}

internal sealed record ScriptResult(int ExitCode, string Stdout, string Stderr)
{
    public IReadOnlyList<string> Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string Output => new StringBuilder().AppendLine(Stdout).Append(Stderr).ToString();
}
