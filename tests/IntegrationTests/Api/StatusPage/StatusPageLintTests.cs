using System.Diagnostics;
using Kasparro.IntegrationTests.Fixtures;

namespace Kasparro.IntegrationTests.Api.StatusPage;

/// <summary>
/// The status page's JavaScript passes the pinned ESLint (tools/eslint: its version, its lockfile and its flat config),
/// which scripts/test.sh installs into tools/eslint/node_modules. Any finding, warning or error, fails the test.
/// </summary>
public sealed class StatusPageLintTests
{
    [Fact]
    public async Task ThePagesJavaScript_PassesThePinnedLinter()
    {
        var root = Repository.Root;
        var eslint = Path.Combine(root, "tools", "eslint", "node_modules", "eslint", "bin", "eslint.js");
        File.Exists(eslint).ShouldBeTrue($"{eslint} is missing: scripts/test.sh installs it (source scripts/lib.sh && ensure_eslint)");

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { eslint, "--config", "tools/eslint/eslint.config.mjs", "--max-warnings", "0", "--format", "stylish", "src/WebApi/wwwroot/js" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        var report = (await output) + (await errors);
        process.ExitCode.ShouldBe(0, report);
        report.Trim().ShouldBeEmpty();
    }
}
