using Microsoft.AspNetCore.Rewrite;
using Microsoft.AspNetCore.StaticFiles;

namespace Kasparro.WebApi.StatusPage;

/// <summary>
/// The status page: static files from <c>wwwroot</c> (HTML, CSS, plain ES modules and the vendored chart library),
/// served by ASP.NET Core's static file middleware, with <c>/</c> and <c>/dashboard</c> answered by <c>index.html</c>.
/// The page reads nothing but the public <c>/v1</c> API. Every file goes out with <c>nosniff</c> and <c>no-cache</c>
/// (revalidated by ETag, so a new deployment is seen at once); the page itself with a Content-Security-Policy that lets
/// it load scripts, styles and data from this server only, and nothing inline.
/// </summary>
public static class StatusPageSetup
{
    /// <summary>The page's policy: its own scripts, styles, images and fetches; no inline code, no frames, no other host.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static WebApplication UseStatusPage(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Relative links in the page work from both addresses because neither has a trailing slash. The rewrite (a
        // regular expression) runs for those two addresses only, not for every API request.
        var rewrite = new RewriteOptions().AddRewrite("^(dashboard)?$", "index.html", skipRemainingRules: true);
        app.UseWhen(static context => context.Request.Path.Value is "/" or "/dashboard", page => page.UseRewriter(rewrite));
        app.UseStaticFiles(new StaticFileOptions
        {
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = "no-cache";
                if (context.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers["Referrer-Policy"] = "no-referrer";
                }
            },
        });
        return app;
    }
}
