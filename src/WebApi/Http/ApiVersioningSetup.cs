using Asp.Versioning;

namespace Kasparro.WebApi.Http;

/// <summary>
/// Asp.Versioning for the versioned groups: the version is read from the path alone (so the OpenAPI document has no
/// <c>api-version</c> query parameter) and every versioned endpoint's answer reports <c>api-supported-versions</c>. A
/// version no endpoint has (<c>/v2/data</c>) ends routing with no endpoint, the library's 404 for a URL segment, which
/// the status-code pages write as this API's problem. The explorer names a version's group <c>v1</c> (the OpenAPI
/// document's name) and writes <c>/v1/...</c> into the routes it describes.
/// </summary>
public static class ApiVersioningSetup
{
    public static IServiceCollection AddKasparroApiVersioning(this IServiceCollection services)
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
}
