using Asp.Versioning;
using Kasparro.WebApi.Http;

namespace Kasparro.WebApi.Endpoints.V1;

/// <summary>
/// The <c>/v1</c> API, versioned by Asp.Versioning in the URL segment: reads behind the API key and the per-client rate
/// limit; the admin endpoints behind the admin bearer token. Each feature maps its own endpoints onto these groups.
/// </summary>
public static class V1Routes
{
    public static readonly ApiVersion Version = new(1, 0);

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

        var admin = v1.MapGroup(string.Empty)
            .AddEndpointFilter<AdminTokenFilter>()
            .WithMetadata(AdminEndpoint.Instance);
        admin.MapRunCommandEndpoints();
        admin.MapIdentityEndpoints();
        return app;
    }
}
