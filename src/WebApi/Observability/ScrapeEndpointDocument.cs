using Kasparro.WebApi.Http;
using Kasparro.WebApi.OpenApi;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Kasparro.WebApi.Observability;

/// <summary>
/// <c>GET /metrics</c> in the OpenAPI document. The exporter maps a plain request pipeline, which API Explorer does not
/// describe (it describes route handlers only), so the operation is written here.
/// </summary>
public static class ScrapeEndpointDocument
{
    public const string Description =
        "Prometheus text exposition (OpenTelemetry's Prometheus exporter). Ours: `api_up`, `db_up` (1 when this scrape's "
        + "query reached the database), and per `source` `etl_last_run_success`, `etl_run_duration_seconds`, "
        + "`etl_last_success_timestamp_seconds`, `etl_records_total{outcome}` and `etl_runs_total{status}`, read from the "
        + "database at scrape time (absent while it is down; the scrape still answers 200). ASP.NET Core's "
        + "`http_server_request_duration_seconds` histogram by `http_request_method`, `http_route` (the route template) "
        + "and `http_response_status_code`; HttpClient's, Npgsql's (`db_client_*`) and the runtime's (`dotnet_*`) series.";

    public static Task DescribeAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Paths ??= [];
        document.Paths[MetricsRegistration.ScrapePath] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = "GetMetrics",
                    Tags = new HashSet<OpenApiTagReference> { new("Health", document) },
                    Summary = "Prometheus metrics",
                    Description = Description,
                    Security = [],
                    Responses = new OpenApiResponses
                    {
                        ["414"] = OpenApiSetup.Problem("414", OpenApiSetup.QueryTooLong),
                        ["200"] = new OpenApiResponse
                        {
                            Description = "The metrics, in the text exposition format 0.0.4.",
                            Content = new Dictionary<string, OpenApiMediaType>
                            {
                                ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                            },
                            Headers = new Dictionary<string, IOpenApiHeader>
                            {
                                [RequestContextMiddleware.HeaderName] = new OpenApiHeader
                                {
                                    Description = "The request's id.",
                                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                                },
                            },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }
}
