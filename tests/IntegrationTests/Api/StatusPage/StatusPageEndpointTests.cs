using System.Net;
using System.Text.RegularExpressions;
using Kasparro.WebApi.StatusPage;

namespace Kasparro.IntegrationTests.Api.StatusPage;

/// <summary>How the app serves the status page: its two addresses, its files, its headers, and what it leaves alone.</summary>
public sealed partial class StatusPageEndpointTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _client = api.CreateClient();

    [Theory]
    [InlineData("/")]
    [InlineData("/dashboard")]
    public async Task ThePage_IsServedAtBothAddresses_WithItsSecurityHeaders(string path)
    {
        using var response = await _client.GetAsync(path);

        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        html.ShouldContain("<title>Kasparro status</title>");
        html.ShouldContain("<script type=\"module\" src=\"js/app.js\"></script>");
        response.Headers.GetValues("Content-Security-Policy").ShouldBe([StatusPageSetup.ContentSecurityPolicy]);
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        response.Headers.GetValues("Referrer-Policy").ShouldBe(["no-referrer"]);
        response.Headers.CacheControl!.NoCache.ShouldBeTrue();
        response.Headers.ETag.ShouldNotBeNull();
    }

    [Fact]
    public async Task ThePage_HasNoInlineScriptOrStyle_SoItsPolicyNeedsNoUnsafeInline()
    {
        var html = await _client.GetStringAsync("/");

        ScriptTag().Matches(html).ShouldAllBe(m => m.Value.Contains("src=", StringComparison.Ordinal));
        html.ShouldNotContain("<style", Case.Insensitive);
        html.ShouldNotContain(" style=", Case.Insensitive);
        EventHandlerAttribute().IsMatch(html).ShouldBeFalse("no inline event handler attributes (onclick=...)");
        StatusPageSetup.ContentSecurityPolicy.ShouldNotContain("unsafe");
    }

    [Theory]
    [InlineData("/js/app.js", "text/javascript")]
    [InlineData("/css/status.css", "text/css")]
    [InlineData("/lib/uplot/uPlot.esm.js", "text/javascript")]
    [InlineData("/lib/uplot/uPlot.min.css", "text/css")]
    public async Task ThePagesFiles_AreServed_WithTheirTypes(string path, string mediaType)
    {
        using var response = await _client.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe(mediaType);
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        response.Headers.Contains("Content-Security-Policy").ShouldBeFalse();
    }

    [Theory]
    [InlineData("/dashboard/")]
    [InlineData("/dashboard/runs")]
    [InlineData("/lib/uplot/VERSION")]
    public async Task OtherPaths_AreStillTheApis404Problem(string path)
    {
        await _client.GetProblemAsync(path, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheVersionedApi_IsUntouchedByThePage()
    {
        await _client.GetJsonAsync("/v1/stats");
        await _client.GetProblemAsync("/v2/data", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Stats_WithTheSchedulerOff_HaveNoEtlInterval()
    {
        var stats = await _client.GetJsonAsync("/v1/stats");

        stats.GetProperty("etl_interval_seconds").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    [GeneratedRegex("<script[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"<[^>]*\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();
}
