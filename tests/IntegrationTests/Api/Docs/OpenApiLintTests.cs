using System.Text.Json;
using System.Text.Json.Nodes;
using Kasparro.IntegrationTests.Delivery;

namespace Kasparro.IntegrationTests.Api.Docs;

/// <summary>
/// The OpenAPI document the app serves passes Redocly CLI's recommended rules (redocly.yaml) with no error and no
/// warning; the same document with one operation's security removed does not, so the linter is really at work.
/// </summary>
public sealed class OpenApiLintTests(ApiFactory api) : IClassFixture<ApiFactory>, IDisposable
{
    private readonly HttpClient _client = api.CreateClient();
    private readonly string _folder = Directory.CreateTempSubdirectory("kasparro-openapi-").FullName;

    [Fact]
    public async Task TheServedDocument_PassesRedoclysRecommendedRules()
    {
        var document = await _client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        var totals = await LintAsync(document);

        totals.GetProperty("errors").GetInt32().ShouldBe(0);
        totals.GetProperty("warnings").GetInt32().ShouldBe(0);
        totals.GetProperty("ignored").GetInt32().ShouldBe(0);
        JsonNode.Parse(document)!["paths"]!.AsObject().Count.ShouldBeGreaterThanOrEqualTo(12);
    }

    [Fact]
    public async Task ADocumentWithAnUnsecuredOperation_FailsTheLint()
    {
        var document = JsonNode.Parse(await _client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!;
        document["paths"]!["/health"]!["get"]!.AsObject().Remove("security").ShouldBeTrue();

        var totals = await LintAsync(document.ToJsonString());

        totals.GetProperty("errors").GetInt32().ShouldBe(1);
    }

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Redocly's JSON report totals for the document (errors, warnings, ignored).</summary>
    private async Task<JsonElement> LintAsync(string document)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, document);

        var result = await RepositoryScript.RunAsync(
            new Dictionary<string, string>(), TimeSpan.FromMinutes(2), "scripts/tools.sh", "run", "redocly", "lint", path, "--format=json");

        using var report = JsonDocument.Parse(result.Stdout);
        return report.RootElement.GetProperty("totals").Clone();
    }
}
