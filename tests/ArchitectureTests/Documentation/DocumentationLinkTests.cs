namespace Kasparro.ArchitectureTests.Documentation;

/// <summary>
/// Every relative link of the repository's Markdown (README.md, BENCHMARKS.md, docs/, data/...) leads to a file that
/// exists and, with a <c>#section</c>, to a heading of it; and the check itself finds what it should, on a small tree
/// of its own.
/// </summary>
public sealed class DocumentationLinkTests
{
    [Fact]
    public void RepositoryMarkdown_LinksOnlyToFilesAndSectionsThatExist()
    {
        var check = new MarkdownLinkCheck(Repository.Root);

        var files = check.MarkdownFiles();
        var (links, broken) = check.Run();

        files.ShouldContain("README.md");
        files.ShouldContain("docs/README.md");
        files.ShouldNotContain(file => file.Contains("/bin/", StringComparison.Ordinal) || file.Contains("/obj/", StringComparison.Ordinal));
        links.ShouldBeGreaterThan(50);
        broken.ShouldBeEmpty("broken links:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void Check_ReportsMissingFilesUnknownSectionsAndPlacesOutsideTheFolder_WithFileAndLine()
    {
        using var tree = new TemporaryTree(new Dictionary<string, string>
        {
            ["README.md"] = """
                # Title

                [guide](docs/guide.md#setting-up) and [ok](docs/guide.md) and [here](#title)
                [gone](docs/gone.md) then [wrong section](docs/guide.md#tear-down)
                """,
            ["docs/guide.md"] = """
                # Guide

                ## Setting up

                [back](../README.md#title), [out](../../elsewhere.md), [own section](#nowhere)
                """,
        });

        var (links, broken) = new MarkdownLinkCheck(tree.Root).Run();

        links.ShouldBe(8);
        broken.ShouldBe(
        [
            "README.md:4: (docs/gone.md) names a file that does not exist",
            "README.md:4: (docs/guide.md#tear-down) names a section no heading of docs/guide.md produces",
            "docs/guide.md:5: (../../elsewhere.md) points outside the repository",
            "docs/guide.md:5: (#nowhere) names a section no heading of docs/guide.md produces",
        ]);
    }

    [Fact]
    public void Check_FollowsNoLinkInCodeNorAnyWithAScheme_AndSkipsBuildOutput()
    {
        using var tree = new TemporaryTree(new Dictionary<string, string>
        {
            ["README.md"] = """
                # Title

                `[in a code span](missing.md)`, <https://example.org/missing.md>, [web](https://example.org/x.md), [mail](mailto:a@b.c)

                ```md
                [in a fence](missing.md)
                ```
                """,
            ["src/bin/Release/notes.md"] = "[broken](missing.md)",
        });
        var check = new MarkdownLinkCheck(tree.Root);

        var (links, broken) = check.Run();

        check.MarkdownFiles().ShouldBe(["README.md"]);
        links.ShouldBe(0);
        broken.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("# Data rules", "data-rules")]
    [InlineData("### `GET /v1/runs/anomalies`", "get-v1runsanomalies")]
    [InlineData("## `GET /health` and `GET /health/live`", "get-health-and-get-healthlive")]
    [InlineData("# 7. The operations API: run anomalies, list paging, `/metrics`", "7-the-operations-api-run-anomalies-list-paging-metrics")]
    [InlineData("## An *ingestion* run: [raw](x.md) first", "an-ingestion-run-raw-first")]
    [InlineData("## snake_case JSON", "snake_case-json")]
    public void HeadingAnchors_FollowGitHub(string heading, string anchor)
    {
        using var tree = new TemporaryTree(new Dictionary<string, string> { ["page.md"] = heading });

        new MarkdownLinkCheck(tree.Root).Anchors(Path.Combine(tree.Root, "page.md")).ShouldBe([anchor]);
    }

    [Fact]
    public void RepeatedHeadings_AreNumberedAsOnGitHub()
    {
        using var tree = new TemporaryTree(new Dictionary<string, string> { ["page.md"] = "# Runs\n\n## Runs\n\n### Runs\n" });

        new MarkdownLinkCheck(tree.Root).Anchors(Path.Combine(tree.Root, "page.md")).ShouldBe(["runs", "runs-1", "runs-2"], ignoreOrder: true);
    }

    /// <summary>A folder of Markdown files under the temporary directory, deleted afterwards.</summary>
    private sealed class TemporaryTree : IDisposable
    {
        public TemporaryTree(IReadOnlyDictionary<string, string> files)
        {
            Root = Path.Combine(Path.GetTempPath(), "kasparro-links-" + Guid.NewGuid().ToString("N"));
            foreach (var (relative, text) in files)
            {
                var path = Path.Combine(Root, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
            }
        }

        public string Root { get; }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }
}
