using System.Text.Json.Nodes;

namespace Kasparro.ArchitectureTests.Delivery;

/// <summary>The repository's GitHub files, read as data.</summary>
internal static class Workflows
{
    public static string PathOf(string name) => Path.Combine(Repository.Root, ".github", name);

    public static string Text(string name) => File.ReadAllText(PathOf(name));

    public static JsonNode Read(string name) => Yaml.Parse(Text(name));

    public static JsonObject Jobs(this JsonNode workflow) => workflow["jobs"]!.AsObject();

    public static IReadOnlyList<JsonNode> Steps(this JsonNode job) => [.. job["steps"].Items()];

    /// <summary>The first step that uses <paramref name="action"/> (owner/name, any ref).</summary>
    public static JsonNode? Using(this IEnumerable<JsonNode> steps, string action) =>
        steps.FirstOrDefault(s => s["uses"].Text().StartsWith(action + "@", StringComparison.Ordinal));

    /// <summary>The index of the first step whose name or run command contains <paramref name="text"/>; -1 when none.</summary>
    public static int IndexOf(this IReadOnlyList<JsonNode> steps, string text)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i]["name"].Text().Contains(text, StringComparison.Ordinal) || steps[i]["run"].Text().Contains(text, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The permissions a job gets: its own block, else the workflow's.</summary>
    public static IReadOnlyDictionary<string, string> Permissions(JsonNode workflow, JsonNode job) =>
        (job["permissions"] ?? workflow["permissions"])!.AsObject().ToDictionary(p => p.Key, p => p.Value.Text());
}
