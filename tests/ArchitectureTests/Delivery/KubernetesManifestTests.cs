using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Kasparro.ArchitectureTests.Delivery;

/// <summary>
/// Both kustomizations render, and what they render keeps the deployment's invariants: every container has requests,
/// limits and a non-root, read-only, capability-free security context; every serving container has startup, readiness
/// and liveness probes; the ETL is an hourly CronJob that forbids overlap and has a deadline and a backoff limit;
/// secrets arrive only by secretKeyRef; the image is the one the release publishes.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private static readonly string[] SecretVariables =
        ["DATABASE_URL", "API_KEYS", "ADMIN_TOKEN", "COINPAPRIKA_API_KEY", "COINGECKO_API_KEY", "OTEL_EXPORTER_OTLP_HEADERS"];

    public static TheoryData<string> Kustomizations => new() { KubernetesManifests.Base, KubernetesManifests.Production };

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryContainer_HasLimits_AndARestrictedSecurityContext(string kustomization)
    {
        var containers = (await KubernetesManifests.RenderAsync(kustomization)).Containers().ToList();

        containers.Count.ShouldBe(3, "the API, its migrate init container, the ingest CronJob");
        foreach (var (workload, pod, container, _) in containers)
        {
            var where = KubernetesManifests.Describe(workload, container);
            foreach (var kind in new[] { "requests", "limits" })
            {
                container["resources"]?[kind]?["cpu"].Text().ShouldNotBeNullOrEmpty($"{where}: {kind}.cpu");
                container["resources"]?[kind]?["memory"].Text().ShouldNotBeNullOrEmpty($"{where}: {kind}.memory");
            }

            var security = container["securityContext"];
            (security?["runAsNonRoot"] ?? pod["securityContext"]?["runAsNonRoot"]).Text().ShouldBe("true", where);
            pod["securityContext"]?["runAsUser"].Text().ShouldNotBe("0", where);
            security?["readOnlyRootFilesystem"].Text().ShouldBe("true", where);
            security?["allowPrivilegeEscalation"].Text().ShouldBe("false", where);
            security?["capabilities"]?["drop"].Items().Select(c => c.Text()).ShouldBe(["ALL"], where);
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task TheApi_IsTwoReplicasOfServe_WithTheSchedulerOff_ProbedOnHealth(string kustomization)
    {
        var objects = await KubernetesManifests.RenderAsync(kustomization);
        var api = objects.Named("Deployment", "kasparro-api");
        var pod = api.PodSpec();
        var container = pod["containers"].Items().Single();

        api["spec"]!["replicas"].Text().ShouldBe("2");
        container["args"].Items().Select(a => a.Text()).ShouldBe(["serve"]);
        Env(container, "ETL_INTERVAL").ShouldBe("0");
        Env(container, "ETL_ON_STARTUP").ShouldBe("false");
        container["startupProbe"]?["httpGet"]?["path"].Text().ShouldBe("/health/live");
        container["readinessProbe"]?["httpGet"]?["path"].Text().ShouldBe("/health");
        container["livenessProbe"]?["httpGet"]?["path"].Text().ShouldBe("/health/live");
        pod["initContainers"].Items().Single()["args"].Items().Select(a => a.Text()).ShouldBe(["migrate"]);

        // Every serving container of every Deployment is probed; batch containers are bounded by their Job's deadline.
        foreach (var (workload, _, each, init) in objects.Containers().Where(c => c.Workload["kind"].Text() == "Deployment" && !c.Init))
        {
            foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
            {
                each[probe].ShouldNotBeNull($"{KubernetesManifests.Describe(workload, each)}: {probe}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task TheApi_HasAServiceADisruptionBudgetAndACpuAutoscaler(string kustomization)
    {
        var objects = await KubernetesManifests.RenderAsync(kustomization);
        var podLabels = objects.Named("Deployment", "kasparro-api")["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();

        var service = objects.Named("Service", "kasparro-api");
        Selects(service["spec"]!["selector"]!, podLabels).ShouldBeTrue("the Service selects the API pods");
        var budget = objects.Named("PodDisruptionBudget", "kasparro-api");
        Selects(budget["spec"]!["selector"]!["matchLabels"]!, podLabels).ShouldBeTrue("the PDB selects the API pods");
        budget["spec"]!["minAvailable"].Text().ShouldBe("1");
        var autoscaler = objects.Named("HorizontalPodAutoscaler", "kasparro-api");
        autoscaler["spec"]!["scaleTargetRef"]!["name"].Text().ShouldBe("kasparro-api");
        autoscaler["spec"]!["minReplicas"].Text().ShouldBe("2");
        autoscaler["spec"]!["metrics"].Items().Single()["resource"]!["name"].Text().ShouldBe("cpu");
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task TheEtl_IsAnHourlyCronJobOfIngest_ThatForbidsOverlap_WithADeadlineAndABackoffLimit(string kustomization)
    {
        var cron = (await KubernetesManifests.RenderAsync(kustomization)).Named("CronJob", "kasparro-ingest");
        var job = cron["spec"]!["jobTemplate"]!["spec"]!;

        cron["spec"]!["schedule"].Text().ShouldBe("0 * * * *");
        cron["spec"]!["concurrencyPolicy"].Text().ShouldBe("Forbid");
        int.Parse(job["activeDeadlineSeconds"].Text(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(60, 3600);
        job["backoffLimit"].Text().ShouldNotBeNullOrEmpty();
        job["template"]!["spec"]!["restartPolicy"].Text().ShouldBe("Never");
        cron.PodSpec()["containers"].Items().Single()["args"].Items().First().Text().ShouldBe("ingest");
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task Secrets_ComeOnlyFromSecretKeyRefs_AndNoneIsRendered(string kustomization)
    {
        var objects = await KubernetesManifests.RenderAsync(kustomization);
        var exampleKeys = Yaml.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy/kubernetes/secret.example.yaml")))["stringData"]!
            .AsObject().Select(p => p.Key).ToHashSet();

        objects.OfKind("Secret").ShouldBeEmpty("no Secret is part of a kustomization");
        foreach (var config in objects.OfKind("ConfigMap"))
        {
            config["data"]!.AsObject().Select(p => p.Key).ShouldNotContain(k => SecretVariables.Contains(k));
        }

        var references = 0;
        foreach (var (workload, _, container, _) in objects.Containers())
        {
            foreach (var variable in container["env"].Items())
            {
                var name = variable["name"].Text();
                var reference = variable["valueFrom"]?["secretKeyRef"];
                if (SecretVariables.Contains(name))
                {
                    variable["value"].ShouldBeNull($"{KubernetesManifests.Describe(workload, container)}: {name} has a literal value");
                    reference.ShouldNotBeNull($"{KubernetesManifests.Describe(workload, container)}: {name} comes from the Secret");
                }

                if (reference is not null)
                {
                    references++;
                    reference["name"].Text().ShouldBe("kasparro-secrets");
                    exampleKeys.ShouldContain(reference["key"].Text(), "secret.example.yaml lists every key the manifests read");
                }
            }
        }

        references.ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task SecretExample_HoldsPlaceholdersOnly_AndNoKustomizationIncludesIt()
    {
        var example = Yaml.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy/kubernetes/secret.example.yaml")));
        var kustomizations = Directory.GetFiles(Path.Combine(Repository.Root, "deploy/kubernetes"), "kustomization.yaml", SearchOption.AllDirectories);

        example["kind"].Text().ShouldBe("Secret");
        example["stringData"]!.AsObject().ShouldAllBe(p => Placeholder().IsMatch(p.Value.Text()), "every value holds a <placeholder>");
        kustomizations.Length.ShouldBe(2);
        foreach (var kustomization in kustomizations)
        {
            Yaml.Parse(await File.ReadAllTextAsync(kustomization))["resources"].Items()
                .ShouldAllBe(resource => !resource.Text().EndsWith("secret.example.yaml", StringComparison.Ordinal), kustomization);
        }
    }

    [Fact]
    public async Task Images_AreTheReleasedImage_TaggedByTheProductionOverlay()
    {
        var baseImages = (await KubernetesManifests.RenderAsync(KubernetesManifests.Base)).Containers().Select(c => c.Container["image"].Text()).ToList();
        var production = await KubernetesManifests.RenderAsync(KubernetesManifests.Production);
        var productionImages = production.Containers().Select(c => c.Container["image"].Text()).Distinct().ToList();

        baseImages.ShouldAllBe(image => image == KubernetesManifests.Image);
        var tagged = productionImages.ShouldHaveSingleItem();
        tagged.ShouldStartWith(KubernetesManifests.Image + ":");
        ReleaseTag().IsMatch(tagged[(KubernetesManifests.Image.Length + 1)..]).ShouldBeTrue($"{tagged}: a tag the release publishes (X.Y.Z or sha-<commit>)");
    }

    [Fact]
    public async Task Production_HasItsNamespaceAnIngressToTheApi_AndExportsOtlpOptionally()
    {
        var objects = await KubernetesManifests.RenderAsync(KubernetesManifests.Production);
        var api = objects.Named("Deployment", "kasparro-api");

        objects.Where(o => o["kind"].Text() != "Namespace").ShouldAllBe(o => o["metadata"]!["namespace"].Text() == "kasparro");
        var ingress = objects.Named("Ingress", "kasparro-api");
        ingress["spec"]!["rules"].Items().Single()["http"]!["paths"].Items().Single()["backend"]!["service"]!["name"].Text().ShouldBe("kasparro-api");
        var otel = api.PodSpec()["containers"].Items().Single()["envFrom"].Items()
            .Select(e => e["configMapRef"]).Single(r => r!["name"].Text().StartsWith("kasparro-otel", StringComparison.Ordinal))!;
        otel["optional"].Text().ShouldBe("true");
        var collector = objects.Named("ConfigMap", otel["name"].Text());
        collector["data"]!["OTEL_EXPORTER_OTLP_ENDPOINT"].Text().ShouldStartWith("http");
    }

    private static string Env(JsonNode container, string name) =>
        container["env"].Items().Single(e => e["name"].Text() == name)["value"].Text();

    private static bool Selects(JsonNode selector, JsonObject labels) =>
        selector.AsObject().Count > 0 && selector.AsObject().All(p => labels[p.Key].Text() == p.Value.Text());

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^(\d+\.\d+\.\d+|sha-[0-9a-f]{7,40})$")]
    private static partial Regex ReleaseTag();
}
