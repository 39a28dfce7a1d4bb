using Kasparro.IntegrationTests.Fixtures;
using OpenQA.Selenium.Support.UI;

namespace Kasparro.IntegrationTests.Api.Docs;

/// <summary>
/// Opens <c>/scalar</c> in Debian's headless Chromium (through chromedriver) against the real app on a loopback port,
/// finds the <c>/v1/data</c> operation on the rendered page, and checks from the browser's own network log that every
/// request the page made went to the app: no CDN, no font host, no telemetry.
/// </summary>
public sealed class ScalarBrowserTests(KestrelApiFactory api) : IClassFixture<KestrelApiFactory>
{
    [Fact]
    public void TheReference_RendersTheDataOperation_FromTheAppAlone()
    {
        using var browser = HeadlessChromium.Start();
        var driver = browser.Driver;

        driver.Navigate().GoToUrl(api.BaseAddress + "scalar");

        // The visible text of the rendered page (not its source): the operation's summary and its path, drawn by Scalar
        // from /openapi/v1.json. WebDriverWait polls until it appears or the minute is up.
        var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(60));
        var text = wait.Until(_ =>
        {
            var visible = browser.Script("return document.body.innerText") as string ?? string.Empty;
            return visible.Contains("Normalized quotes", StringComparison.Ordinal) && visible.Contains("/v1/data", StringComparison.Ordinal) ? visible : null;
        });

        text.ShouldContain("Kasparro API");
        driver.Title.ShouldContain("Kasparro");

        var requested = browser.RequestedUrls();
        var app = new Uri(api.BaseAddress);
        // The log saw the page's own requests (so an empty log cannot pass), and nothing went anywhere else.
        requested.ShouldContain(new Uri(app, "/scalar/scalar.js"));
        requested.ShouldContain(new Uri(app, "/openapi/v1.json"));
        requested.ShouldAllBe(u => u.Scheme == app.Scheme && u.Authority == app.Authority);
    }
}
