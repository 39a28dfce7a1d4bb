using Asp.Versioning;
using Kasparro.WebApi.Http;

namespace Kasparro.WebApi.Endpoints.V1;

/// <summary>
/// The <c>/v1</c> API, versioned by Asp.Versioning in the URL segment: reads behind the API key and the per-client rate
/// limit; the admin command behind its bearer token. Each feature maps its own endpoints onto these groups.
/// </summary>
public static class V1Routes
{
    public static readonly ApiVersion Version = new(1, 0);

    /// <summary>
    /// The version is read from the path alone (so the document has no <c>api-version</c> query parameter) and every
    /// <c>/v1</c> response reports <c>api-supported-versions</c>. A version no endpoint has (<c>/v2/data</c>) ends
    /// routing with no endpoint, the library's 404 for a URL segment, which the status-code pages write as this API's
    /// problem. The explorer names the version's group <c>v1</c> (the OpenAPI document's name) and writes <c>/v1/...</c>
    /// into the routes it describes.
    /// </summary>
    public static IServiceCollection AddV1Versioning(this IServiceCollection services)
    {
        services.AddApiVersioning(o =>
            {
                o.ApiVersionReader = new UrlSegmentApiVersionReader();
                o.ReportApiVersions = true;
            })
            .AddApiExplorer(o =>
            {
                o.GroupNameFormat = "'v'VVV";
                o.SubstituteApiVersionInUrl = true;
            });
        return services;
    }

    public static IEndpointRouteBuilder MapV1(this IEndpointRouteBuilder app)
    {
        var v1 = app.NewVersionedApi().MapGroup("/v{version:apiVersion}").HasApiVersion(Version);

        var reads = v1.MapGroup(string.Empty)
            .AddEndpointFilter<ApiKeyFilter>()
            .RequireRateLimiting(ClientRateLimiting.ReadsPolicy);
        reads.MapQuoteEndpoints();
        reads.MapAssetEndpoints();

        // Feature endpoints mapped onto the read group (one line each):
        reads.MapRunEndpoints();
        reads.MapStatsEndpoints();
        reads.MapSchemaDriftEndpoints();

        v1.MapRunCommandEndpoints();
        return app;
    }
}
