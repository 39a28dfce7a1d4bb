using Kasparro.WebApi.OpenApi;
using Scalar.AspNetCore;

namespace Kasparro.WebApi.Endpoints;

/// <summary>
/// <c>/openapi/v1.json</c> and the Scalar API reference at <c>/scalar</c>. Scalar.AspNetCore serves the page and its
/// script from the package itself, so the browser asks no other host for anything.
/// </summary>
public static class ApiReferenceEndpoints
{
    private const string DocumentRoute = "/openapi/{documentName}.json";

    public static WebApplication MapApiReference(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi(DocumentRoute);

        // Default fonts, telemetry and the AI agent each reach a Scalar or font host: all off, so the page works offline.
        app.MapScalarApiReference("/scalar", o => o
            .WithTitle("Kasparro API reference")
            .WithOpenApiRoutePattern(DocumentRoute)
            .AddDocument(OpenApiSetup.DocumentName)
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp());
        return app;
    }
}
