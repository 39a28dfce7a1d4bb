using System.Diagnostics;
using System.Text;

namespace Kasparro.ArchitectureTests.Delivery;

/// <summary>
/// A checker run through <c>scripts/tools.sh run</c> from the repository root, so the tests use exactly the tool and
/// version <c>make test</c> installs (shellcheck, yamllint, actionlint, Redocly CLI, kustomize).
/// </summary>
internal static class RepositoryTool
{
    public static async Task<ToolResult> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in (string[])["scripts/tools.sh", "run", tool, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(deadline.Token);
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}

internal sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Everything the tool printed, for an assertion's message.</summary>
    public string Output => new StringBuilder().AppendLine(Stdout).Append(Stderr).ToString();
}
