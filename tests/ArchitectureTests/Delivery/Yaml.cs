using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Kasparro.ArchitectureTests.Delivery;

/// <summary>
/// YAML read as <see cref="JsonNode"/> trees (every scalar a string, as YAML wrote it), so a test can walk
/// <c>doc["spec"]?["replicas"]</c> without a model of each file.
/// </summary>
internal static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static JsonNode Parse(string text) => Documents(text).Single();

    /// <summary>Every document of a multi-document stream (what kustomize prints), in order.</summary>
    public static IReadOnlyList<JsonNode> Documents(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        var documents = new List<JsonNode>();
        while (parser.Accept<DocumentStart>(out _))
        {
            documents.Add(ToJson(Deserializer.Deserialize<object>(parser)) ?? new JsonObject());
        }

        return documents;
    }

    public static string Text(this JsonNode? node) => node?.GetValue<string>() ?? string.Empty;

    public static IEnumerable<JsonNode> Items(this JsonNode? node) =>
        node is JsonArray array ? array.OfType<JsonNode>() : [];

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        IDictionary<object, object> map => new JsonObject(map.Select(p => KeyValuePair.Create(p.Key.ToString()!, ToJson(p.Value)))),
        IList<object> list => new JsonArray([.. list.Select(ToJson)]),
        _ => JsonValue.Create(value.ToString()),
    };
}
