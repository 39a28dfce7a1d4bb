using System.Text.Json.Nodes;
using Asp.Versioning;
using Kasparro.WebApi.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Kasparro.WebApi.OpenApi;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>): generated from the endpoints' metadata, then completed by
/// transformers with what metadata cannot say: the security schemes, the RFC 9457 problems each operation can answer,
/// the <c>X-Request-Id</c> and <c>api-supported-versions</c> headers, and examples.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddKasparroOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer(DescribeDocumentAsync);
            options.AddOperationTransformer(DescribeOperationAsync);
        });

    private static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Kasparro API",
            Version = "v1",
            Description =
                "Crypto market data from CoinPaprika, CoinGecko and CSV files, unified into canonical assets with exact prices. "
                + "JSON bodies are snake_case; errors are RFC 9457 problems (`application/problem+json`) with `request_id`, and "
                + "400s carry `errors` per parameter. Every response has `X-Request-Id`. When the server sets API_KEYS, `/v1` reads "
                + "need `X-API-Key`; reads are rate limited per key (or client address) with 429 and `Retry-After`. Reads other than "
                + "`/v1/stats` carry a strong `ETag` and `Cache-Control: no-cache`: send the ETag back in `If-None-Match` to get "
                + "304 until the stored data changes.",

            // No licence is granted: the document says so rather than leaving the field out (an SPDX LicenseRef, as 3.1 asks).
            License = new OpenApiLicense { Name = "Proprietary: all rights reserved", Identifier = "LicenseRef-Proprietary" },
        };
        document.Servers = [new OpenApiServer { Url = "/", Description = "this server" }];
        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? string.Empty);
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyFilter.HeaderName,
            Description = "One of the keys in the server's API_KEYS (reads are open when it is unset).",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The server's ADMIN_TOKEN (the admin endpoints are disabled, 403, when it is unset).",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchemaId] = ProblemSchema();
        return Task.CompletedTask;
    }

    private static Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var path = "/" + (description.RelativePath ?? string.Empty).TrimStart('/');
        var method = description.HttpMethod ?? "GET";
        var isV1 = path.StartsWith("/v1/", StringComparison.Ordinal);
        var hasRouteValue = path.Contains('{', StringComparison.Ordinal);
        operation.Responses ??= new OpenApiResponses();

        // What Asp.Versioning reports in the header for this endpoint (null for the unversioned ones).
        var supportedVersions = description.ActionDescriptor.EndpointMetadata.OfType<ApiVersionMetadata>().FirstOrDefault() is { } versioning
            ? string.Join(", ", versioning.Map(ApiVersionMapping.Explicit).SupportedApiVersions)
            : null;

        if (!isV1)
        {
            // Health and metrics answer without a key or token, whatever the server's API_KEYS and ADMIN_TOKEN.
            operation.Security = [];
        }

        var isAdmin = description.ActionDescriptor.EndpointMetadata.OfType<AdminEndpoint>().Any();
        if (isV1 && isAdmin)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            AddProblem(operation, "400", "Invalid parameters or body (`errors` names each one), or malformed JSON.", method == "GET" ? ValidationExample(path) : null);
            AddProblem(operation, "401", "The bearer token is missing or is not ADMIN_TOKEN.", null);
            AddProblem(operation, "403", "ADMIN_TOKEN is not set on the server: the admin endpoints are disabled.", null);
            if (method == "POST")
            {
                AddProblem(operation, "409", "The request conflicts with the current state; `detail` says how (a source already running, a correction that would break an identity rule).", null);
            }

            if (hasRouteValue)
            {
                AddProblem(operation, "404", "Nothing exists under that id.", null);
            }
        }
        else if (isV1 && method == "GET")
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] }];
            AddProblem(operation, "400", "Invalid parameters: `errors` names each one and says why.", ValidationExample(path));
            AddProblem(operation, "401", "X-API-Key is missing or not one of API_KEYS (only when the server sets API_KEYS).", null);
            AddProblem(operation, "429", "This client's read budget is spent; retry after `Retry-After` seconds.", null);
            if (hasRouteValue)
            {
                AddProblem(operation, "404", "Nothing exists under that id or ticker.", null);
            }
        }

        if (isV1 || path.StartsWith("/health", StringComparison.Ordinal))
        {
            AddProblem(operation, "503", "The database is unreachable, or the request took longer than 10 s.", null);
        }

        AddProblem(operation, "414", QueryTooLong, null);

        DescribeRevalidation(operation);
        foreach (var response in operation.Responses.Values.OfType<OpenApiResponse>())
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[RequestContextMiddleware.HeaderName] = new OpenApiHeader
            {
                Description = "The request's id: the client's own X-Request-Id when it sent a plain one, else a new one.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
            if (supportedVersions is not null)
            {
                response.Headers["api-supported-versions"] = new OpenApiHeader
                {
                    Description = "The API versions this server supports.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    Example = JsonValue.Create(supportedVersions),
                };
            }
        }

        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<ResponseExample>().FirstOrDefault() is { } example
            && operation.Responses.TryGetValue(example.Status, out var documented) && documented is OpenApiResponse withExample
            && withExample.Content is { } content)
        {
            foreach (var media in content.Values.OfType<OpenApiMediaType>())
            {
                media.Example = JsonNode.Parse(example.Json);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A read that may answer 304 (<c>CachedRead</c>): its 200 and 304 carry <c>ETag</c> and <c>Cache-Control</c>.</summary>
    private static void DescribeRevalidation(OpenApiOperation operation)
    {
        if (!operation.Responses!.TryGetValue("304", out var notModified) || notModified is not OpenApiResponse unchanged)
        {
            return;
        }

        unchanged.Description = "The answer the client holds, named by the ETag it sent in `If-None-Match`, is still current: no body.";
        foreach (var status in new[] { "200", "304" })
        {
            if (operation.Responses.TryGetValue(status, out var documented) && documented is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers["ETag"] = new OpenApiHeader
                {
                    Description = "A strong validator of this answer: it changes when stored data changes. Send it back in `If-None-Match` to get 304 while it holds.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
                response.Headers["Cache-Control"] = new OpenApiHeader
                {
                    Description = "`no-cache`: the answer may be kept, and is revalidated before each use.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }
        }
    }

    private static void AddProblem(OpenApiOperation operation, string status, string description, JsonNode? example)
    {
        if (!operation.Responses!.ContainsKey(status))
        {
            operation.Responses[status] = Problem(status, description, example);
        }
    }

    /// <summary>A problem response (<c>application/problem+json</c>) with an example body.</summary>
    internal static OpenApiResponse Problem(string status, string description, JsonNode? example = null) =>
        new()
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new()
                {
                    Schema = new OpenApiSchemaReference(ProblemSchemaId),
                    Example = example ?? new JsonObject
                    {
                        ["type"] = $"https://tools.ietf.org/html/rfc9110#section-15.{(status[0] == '4' ? "5" : "6")}",
                        ["title"] = description,
                        ["status"] = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture),
                        ["instance"] = "/v1/...",
                        ["request_id"] = "0195f3c1a2b34c5d8e9f0a1b2c3d4e5f",
                    },
                },
            },
        };

    private static JsonObject ValidationExample(string path) => new()
    {
        ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        ["title"] = "The request has invalid parameters.",
        ["status"] = 400,
        ["detail"] = "See 'errors' for each parameter's problem.",
        ["instance"] = path,
        ["errors"] = new JsonObject { ["limit"] = new JsonArray("must be a whole number from 1 to 500") },
        ["request_id"] = "0195f3c1a2b34c5d8e9f0a1b2c3d4e5f",
    };

    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem. Validation problems add `errors`: for each parameter, its messages.",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["request_id"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };

    /// <summary>The 414 every path can answer (the limit is checked before routing).</summary>
    internal const string QueryTooLong = "The query string is longer than 2,048 characters.";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Quotes"] = "Normalized quotes from every source: filters, sorting, offset and cursor paging.",
        ["Assets"] = "Canonical assets: their source mappings, latest quotes, consensus price and price history.",
        ["Runs"] = "ETL runs: history, comparison, anomalies, and starting a run with the admin token.",
        ["Identity"] = "Canonical identity, admin only: decisions to review, splitting and merging assets, each asset's decision records.",
        ["Operations"] = "Per-source run statistics and freshness, and schema drift seen in the API sources.",
        ["Health"] = "Readiness (the database and each source's freshness), liveness and Prometheus metrics; no key needed.",
    };

    private const string ApiKeyScheme = "ApiKey";
    private const string BearerScheme = "AdminBearer";
    private const string ProblemSchemaId = "Problem";
}

/// <summary>An example body for one documented response of an endpoint: <c>.WithMetadata(new ResponseExample(200, json))</c>.</summary>
public sealed record ResponseExample(int StatusCode, string Json)
{
    public string Status => StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
