namespace Kasparro.ArchitectureTests.Delivery;

/// <summary>Every shell script of the repository passes shellcheck at its default (style) severity, sourced files followed.</summary>
public sealed class ScriptLintTests
{
    private static readonly string[] Skipped = [".git", ".data", "bin", "obj", "node_modules"];

    [Fact]
    public async Task EveryShellScript_PassesShellcheck()
    {
        var scripts = Directory.EnumerateFiles(Repository.Root, "*.sh", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Repository.Root, path))
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(Skipped.Contains))
            .Order(StringComparer.Ordinal)
            .ToArray();
        scripts.ShouldContain("scripts/lib.sh");
        scripts.ShouldContain("scripts/smoke.sh");

        var result = await RepositoryTool.RunAsync("shellcheck", ["--external-sources", .. scripts]);

        result.ExitCode.ShouldBe(0, result.Output);
    }

    [Fact]
    public async Task Shellcheck_ReportsAnUnquotedExpansion()
    {
        using var folder = new TempFolder();
        var script = folder.Write("unquoted.sh", "#!/usr/bin/env bash\nrm -rf $1/cache\n");

        var result = await RepositoryTool.RunAsync("shellcheck", script);

        result.ExitCode.ShouldNotBe(0);
        result.Stdout.ShouldContain("SC2086");
    }
}
