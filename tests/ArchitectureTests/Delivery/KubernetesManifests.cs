using System.Text.Json.Nodes;

namespace Kasparro.ArchitectureTests.Delivery;

/// <summary>The kustomizations under deploy/kubernetes, rendered by kustomize v5 and read as objects.</summary>
internal static class KubernetesManifests
{
    /// <summary>The image every manifest names before an overlay sets its tag; the release pushes ghcr.io/&lt;owner&gt;/kasparro.</summary>
    public const string Image = "ghcr.io/kasparro/kasparro";

    public const string ImageRepository = "kasparro";

    public const string Base = "deploy/kubernetes/base";

    public const string Production = "deploy/kubernetes/overlays/production";

    public static async Task<IReadOnlyList<JsonNode>> RenderAsync(string kustomization)
    {
        var result = await RepositoryTool.RunAsync("kustomize", kustomization);
        result.ExitCode.ShouldBe(0, result.Output);
        return Yaml.Documents(result.Stdout);
    }

    public static IEnumerable<JsonNode> OfKind(this IEnumerable<JsonNode> objects, string kind) =>
        objects.Where(o => o["kind"].Text() == kind);

    public static JsonNode Named(this IEnumerable<JsonNode> objects, string kind, string name) =>
        objects.OfKind(kind).Single(o => o["metadata"]!["name"].Text() == name);

    /// <summary>The pod template of a workload: a Deployment's, a Job's, or a CronJob's job template's.</summary>
    public static JsonNode PodSpec(this JsonNode workload) => workload["kind"].Text() switch
    {
        "CronJob" => workload["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!,
        _ => workload["spec"]!["template"]!["spec"]!,
    };

    /// <summary>Every workload with a pod template, and each of its containers (init containers included).</summary>
    public static IEnumerable<(JsonNode Workload, JsonNode Pod, JsonNode Container, bool Init)> Containers(this IEnumerable<JsonNode> objects) =>
        from workload in objects.Where(o => o["kind"].Text() is "Deployment" or "Job" or "CronJob")
        let pod = workload.PodSpec()
        from entry in pod["initContainers"].Items().Select(c => (c, true)).Concat(pod["containers"].Items().Select(c => (c, false)))
        select (workload, pod, entry.c, entry.Item2);

    public static string Describe(JsonNode workload, JsonNode container) =>
        $"{workload["kind"].Text()}/{workload["metadata"]!["name"].Text()} container {container["name"].Text()}";
}
