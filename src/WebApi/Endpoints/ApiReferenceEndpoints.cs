namespace Kasparro.WebApi.Endpoints;

/// <summary>
/// <c>/openapi/v1.json</c> and the Scalar API reference at <c>/scalar</c>, served from the pinned bundle that
/// <c>scripts/scalar/fetch.sh</c> puts in <c>wwwroot/scalar</c>: the browser fetches nothing from a CDN.
/// </summary>
public static class ApiReferenceEndpoints
{
    private const string BundlePath = "wwwroot/scalar/standalone.js";

    // No default fonts (they come from a CDN) and no telemetry: the page works on a machine without internet.
    private const string Page = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Kasparro API reference</title>
        </head>
        <body>
          <div id="app"></div>
          <script src="/scalar/standalone.js"></script>
          <script>
            Scalar.createApiReference('#app', {
              url: '/openapi/v1.json',
              withDefaultFonts: false,
              telemetry: false,
              hideDownloadButton: false,
              defaultOpenAllTags: true,
              metaData: { title: 'Kasparro API reference' },
            })
          </script>
        </body>
        </html>
        """;

    public static WebApplication MapApiReference(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi("/openapi/{documentName}.json");

        var bundle = Path.Combine(AppContext.BaseDirectory, BundlePath);
        var reference = app.MapGroup("/scalar").ExcludeFromDescription();
        reference.MapGet("/", () => File.Exists(bundle) ? Results.Content(Page, "text/html; charset=utf-8") : BundleMissing());
        reference.MapGet("/standalone.js", (HttpContext context) =>
        {
            if (!File.Exists(bundle))
            {
                return BundleMissing();
            }

            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.File(bundle, "text/javascript; charset=utf-8", enableRangeProcessing: false);
        });
        return app;
    }

    private static IResult BundleMissing() => Results.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "The API reference bundle is not installed.",
        detail: "Run scripts/scalar/fetch.sh (make up and make test run it) to fetch the pinned @scalar/api-reference bundle; "
                + "the OpenAPI document itself is at /openapi/v1.json.");
}
