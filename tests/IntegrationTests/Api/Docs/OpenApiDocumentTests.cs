using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Kasparro.IntegrationTests.Api.Docs;

/// <summary>
/// The OpenAPI document covers every route the app maps (compared with the app's own endpoint list, so a new endpoint
/// without documentation fails here), with its problems, security and headers, in snake_case.
/// </summary>
public sealed class OpenApiDocumentTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task EveryMappedApiRoute_IsDocumented()
    {
        var document = await _client.GetJsonAsync("/openapi/v1.json");
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))
            .ToHashSet();

        var mapped = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Endpoint: e, Route: Normalize(e.RoutePattern.RawText ?? string.Empty)))
            .Where(e => e.Route.StartsWith("/v1/", StringComparison.Ordinal) || e.Route.StartsWith("/health", StringComparison.Ordinal) || e.Route == "/metrics")
            .SelectMany(e => (e.Endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.Route}"))
            .ToHashSet();

        mapped.Count.ShouldBeGreaterThanOrEqualTo(14);
        mapped.Except(documented).ShouldBeEmpty();
        document.GetProperty("info").GetProperty("title").GetString().ShouldBe("Kasparro API");
    }

    [Fact]
    public async Task V1Reads_DocumentTheirProblems_SecurityAndHeaders()
    {
        var document = await _client.GetJsonAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        foreach (var path in paths.EnumerateObject().Where(p => p.Name.StartsWith("/v1/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var responses = operation.Value.GetProperty("responses");
                var admin = operation.Value.GetProperty("security")[0].TryGetProperty("AdminBearer", out _);
                var routeValue = path.Name.Contains('{', StringComparison.Ordinal);
                string[] expected = (admin, operation.Name) switch
                {
                    (false, "get") => routeValue ? ["400", "401", "404", "429", "503"] : ["400", "401", "429", "503"],
                    (true, "get") => routeValue ? ["400", "401", "403", "404", "503"] : ["400", "401", "403", "503"],
                    _ => ["400", "401", "403", "409", "503"],
                };
                (admin || operation.Name == "get").ShouldBeTrue($"{operation.Name} {path.Name}: every /v1 command needs the admin token");
                foreach (var status in expected)
                {
                    responses.TryGetProperty(status, out var problem).ShouldBeTrue($"{operation.Name} {path.Name} documents {status}");
                    problem.GetProperty("content").TryGetProperty("application/problem+json", out _).ShouldBeTrue($"{operation.Name} {path.Name} {status} is a problem");
                }

                operation.Value.GetProperty("security").GetArrayLength().ShouldBe(1);
                foreach (var response in responses.EnumerateObject())
                {
                    var headers = response.Value.GetProperty("headers");
                    headers.TryGetProperty("X-Request-Id", out _).ShouldBeTrue($"{operation.Name} {path.Name} {response.Name} has X-Request-Id");
                    headers.GetProperty("api-supported-versions").GetProperty("example").GetString().ShouldBe("1.0");
                }
            }
        }

        foreach (var (path, method) in new[] { ("/v1/identity/review", "get"), ("/v1/assets/{id}/decisions", "get"), ("/v1/assets/{id}/split", "post"), ("/v1/assets/merge", "post") })
        {
            paths.GetProperty(path).GetProperty(method).GetProperty("security")[0].TryGetProperty("AdminBearer", out _).ShouldBeTrue($"{method} {path} needs the admin token");
        }

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        schemes.GetProperty("ApiKey").GetProperty("name").GetString().ShouldBe("X-API-Key");
        schemes.GetProperty("AdminBearer").GetProperty("scheme").GetString().ShouldBe("bearer");
    }

    [Fact]
    public async Task Schemas_AreSnakeCase_AndDataHasAnExample()
    {
        var document = await _client.GetJsonAsync("/openapi/v1.json");
        var schemas = document.GetProperty("components").GetProperty("schemas");

        var quote = schemas.GetProperty("QuoteDto").GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        quote.ShouldContain("price_usd");
        quote.ShouldContain("volume_24h_usd");
        quote.ShouldContain("percent_change_24h");
        foreach (var schema in schemas.EnumerateObject())
        {
            if (schema.Value.TryGetProperty("properties", out var properties))
            {
                properties.EnumerateObject().ShouldAllBe(p => !p.Name.Any(char.IsUpper), $"{schema.Name} is snake_case");
            }
        }

        var data = document.GetProperty("paths").GetProperty("/v1/data").GetProperty("get");
        data.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("example")
            .GetProperty("data")[0].GetProperty("ticker").GetString().ShouldBe("BTC");
        data.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString())
            .ShouldBe(["ticker", "asset_id", "source", "from", "to", "sort", "limit", "offset", "cursor"], ignoreOrder: true);
    }

    [Fact]
    public async Task TheReferencePage_LoadsTheAppServedScript_AndNoCdn()
    {
        // The library answers /scalar with a redirect to /scalar/; the client follows it.
        using var page = await _client.GetAsync("/scalar");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/scalar/");
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("<title>Kasparro API reference</title>");
        html.ShouldContain("src=\"scalar.js\"");
        html.ShouldContain("openapi/v1.json");
        html.ShouldContain("\"withDefaultFonts\":false");
        html.ShouldNotContain("https://");
        html.ShouldNotContain("http://");

        using var script = await _client.GetAsync("/scalar/scalar.js");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        script.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        (await script.Content.ReadAsByteArrayAsync()).Length.ShouldBeGreaterThan(1_000_000);
    }

    /// <summary>A mapped template as the document names it: without a trailing slash, and in version 1 (the one there is).</summary>
    private static string Normalize(string route) =>
        (route.Length > 1 ? route.TrimEnd('/') : route).Replace("/v{version:apiVersion}/", "/v1/", StringComparison.Ordinal);
}
