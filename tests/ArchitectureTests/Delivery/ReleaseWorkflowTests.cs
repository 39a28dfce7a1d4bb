namespace Kasparro.ArchitectureTests.Delivery;

/// <summary>
/// The release workflow publishes the image the Kubernetes manifests name, for both architectures, with an SBOM and
/// provenance, only after the smoke test passed against it, and only its publishing job may write packages.
/// </summary>
public sealed class ReleaseWorkflowTests
{
    private readonly System.Text.Json.Nodes.JsonNode _release = Workflows.Read("workflows/release.yml");

    [Fact]
    public void Release_RunsOnMainAndVersionTags_AndOnlyThePublishingJobWritesPackages()
    {
        _release["on"]!["push"]!["branches"].Items().Select(b => b.Text()).ShouldBe(["main"]);
        _release["on"]!["push"]!["tags"].Items().Select(t => t.Text()).ShouldBe(["v*"]);
        Workflows.Permissions(_release, _release).ShouldBe(new Dictionary<string, string> { ["contents"] = "read" });

        var writers = _release.Jobs()
            .Where(j => Workflows.Permissions(_release, j.Value!).Values.Contains("write"))
            .ToDictionary(j => j.Key, j => Workflows.Permissions(_release, j.Value!));
        writers.Keys.ShouldBe(["image"]);
        writers["image"].Where(p => p.Value == "write").Select(p => p.Key).ShouldBe(["packages"]);
    }

    [Fact]
    public void Image_IsSmokeTestedBeforeItIsPushed_ForBothArchitectures_WithSbomAndProvenance()
    {
        var steps = _release.Jobs()["image"]!.Steps();
        var smoke = steps.IndexOf("scripts/smoke.sh");
        var push = steps.ToList().FindIndex(s => s["with"]?["push"].Text() == "true");

        smoke.ShouldBeGreaterThanOrEqualTo(0);
        steps[smoke]["run"].Text().ShouldContain("docker compose up");
        push.ShouldBeGreaterThan(smoke);
        var build = steps[push]["with"]!;
        steps[push]["uses"].Text().ShouldStartWith("docker/build-push-action@");
        build["platforms"].Text().Split(',').ShouldBe(["linux/amd64", "linux/arm64"], ignoreOrder: true);
        build["sbom"].Text().ShouldBe("true");
        build["provenance"].Text().ShouldStartWith("mode=max");
        build["tags"].Text().ShouldBe("${{ steps.meta.outputs.tags }}");

        steps.Using("docker/login-action")!["with"]!["password"].Text().ShouldBe("${{ secrets.GITHUB_TOKEN }}");
        steps.Using("docker/setup-buildx-action").ShouldNotBeNull();
        steps.Using("docker/setup-qemu-action").ShouldNotBeNull();
    }

    [Fact]
    public void Tags_AreTheCommitSemverAndLatestOnMain_OnTheRepositoryOwnersGhcrImage()
    {
        _release["env"]!["IMAGE"].Text().ShouldBe("ghcr.io/${{ github.repository_owner }}/" + KubernetesManifests.ImageRepository);
        var meta = _release.Jobs()["image"]!.Steps().Using("docker/metadata-action")!["with"]!;

        meta["images"].Text().ShouldBe("${{ env.IMAGE }}");
        var tags = meta["tags"].Text().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        tags.ShouldContain("type=sha");
        tags.ShouldContain("type=semver,pattern={{version}}");
        tags.ShouldContain("type=raw,value=latest,enable={{is_default_branch}}");
    }
}
