using System.Text.RegularExpressions;

namespace Kasparro.ArchitectureTests.Delivery;

/// <summary>
/// The CI workflow runs what <c>make test</c> runs on every push and pull request, with least privilege, one run per
/// ref, and actions pinned by commit; the architecture tests get a step of their own.
/// </summary>
public sealed partial class CiWorkflowTests
{
    private static readonly string[] WorkflowFiles = ["workflows/ci.yml", "workflows/release.yml"];

    [Fact]
    public void Ci_RunsOnEveryPushAndPullRequest_ReadOnly_CancellingSupersededRuns()
    {
        var ci = Workflows.Read("workflows/ci.yml");

        ci["on"]!.AsObject().Select(p => p.Key).ShouldBe(["push", "pull_request"], ignoreOrder: true);
        ci["on"]!["push"].ShouldBeNull("every branch and tag: no filter");
        Workflows.Permissions(ci, ci).ShouldBe(new Dictionary<string, string> { ["contents"] = "read" });
        foreach (var (name, job) in ci.Jobs())
        {
            Workflows.Permissions(ci, job!).Values.ShouldAllBe(level => level != "write", $"job {name} writes nothing");
        }

        ci["concurrency"]!["cancel-in-progress"].Text().ShouldBe("true");
        ci["concurrency"]!["group"].Text().ShouldContain("github.ref");
    }

    [Fact]
    public void EveryActionInEveryWorkflow_IsPinnedToACommitWithItsVersion()
    {
        foreach (var file in WorkflowFiles)
        {
            var uses = Workflows.Text(file).Split('\n').Where(line => UsesLine().IsMatch(line)).ToList();

            uses.ShouldNotBeEmpty(file);
            uses.ShouldAllBe(line => PinnedUse().IsMatch(line), $"{file}: owner/action@<40 hex> # vX.Y.Z");
        }
    }

    [Fact]
    public void TestJob_SetsUpDotnetFromGlobalJson_CachesNuGet_RunsMakeTest_AndReportsEachProject()
    {
        var steps = Workflows.Read("workflows/ci.yml").Jobs()["test"]!.Steps();

        steps.Using("actions/setup-dotnet")!["with"]!["global-json-file"].Text().ShouldBe("global.json");
        steps.Using("actions/cache")!["with"]!["key"].Text().ShouldContain("hashFiles('Directory.Packages.props'");
        var makeTest = steps.IndexOf("make test");
        makeTest.ShouldBeGreaterThanOrEqualTo(0);
        steps[makeTest]["run"].Text().Trim().ShouldBe("make test");

        var architecture = steps.IndexOf("Architecture tests");
        architecture.ShouldBeGreaterThan(makeTest);
        steps[architecture]["run"].Text().ShouldContain("scripts/test_report.sh ArchitectureTests");
        steps[architecture]["if"].Text().ShouldContain("!cancelled()");

        var summary = steps.IndexOf("GITHUB_STEP_SUMMARY");
        summary.ShouldBeGreaterThan(makeTest);
        steps[summary]["run"].Text().ShouldContain("scripts/test_report.sh");

        var upload = steps.Using("actions/upload-artifact")!;
        upload["with"]!["path"].Text().ShouldContain(".data/test-results/*.trx");
        upload["if"].Text().ShouldContain("!cancelled()");
    }

    [Fact]
    public void LintJob_RunsEveryStaticCheck()
    {
        var lint = Workflows.Read("workflows/ci.yml").Jobs()["lint"]!.Steps();
        var runs = string.Join('\n', lint.Select(s => s["run"].Text()));

        lint.Using("hadolint/hadolint-action")!["with"]!["dockerfile"].Text().ShouldBe("Dockerfile");
        runs.ShouldContain("rhysd/actionlint:");
        runs.ShouldContain("run shellcheck");
        runs.ShouldContain("run yamllint");
        runs.ShouldContain("docker compose config");
        runs.ShouldContain("run kustomize deploy/kubernetes/overlays/production");
        runs.ShouldContain("OpenApiLintTests");
    }

    [Fact]
    public void Dependabot_WatchesNuGetActionsAndDocker()
    {
        var dependabot = Workflows.Read("dependabot.yml");

        dependabot["updates"].Items().Select(u => u["package-ecosystem"].Text())
            .ShouldBe(["nuget", "github-actions", "docker"], ignoreOrder: true);
    }

    [GeneratedRegex(@"^\s*(-\s+)?uses:\s")]
    private static partial Regex UsesLine();

    [GeneratedRegex(@"^\s*(-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$")]
    private static partial Regex PinnedUse();
}
