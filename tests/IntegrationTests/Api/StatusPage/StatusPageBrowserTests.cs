using Kasparro.IntegrationTests.Fixtures;
using OpenQA.Selenium;

namespace Kasparro.IntegrationTests.Api.StatusPage;

/// <summary>
/// The status page in Debian's headless Chromium against the real app on a loopback port, over a database the test
/// filled (<see cref="StatusPageData"/>): what a reader sees in each section, what the keyboard reaches, how it looks on
/// a phone in dark mode, and that the browser asked no host but the app. Screenshots go to .data/test-results/status-page.
/// </summary>
public sealed class StatusPageBrowserTests(StatusPageData data) : IClassFixture<StatusPageData>
{
    private const string Cards = "[...document.querySelectorAll('#source-cards .card')]";
    private const string Legend = "[...document.querySelectorAll('#chart-legend li')].map(li => li.dataset.series).join(',')";

    [Fact]
    public void ThePage_ShowsEverySection_FromTheAppAlone()
    {
        using var browser = HeadlessChromium.Start();
        var page = new StatusPageDriver(browser);
        browser.Driver.Navigate().GoToUrl(data.BaseAddress);

        page.Until($"return {Cards}.map(c => [c.dataset.source, c.dataset.status, c.dataset.freshness].join('|')).join(';')", "coingecko|failed|stale;coinpaprika|succeeded|fresh;csv|partial|expired");
        page.Text("[data-source='coingecko'] .run-error").ShouldContain(StatusPageData.CoinGeckoError);
        page.Text("[data-source='coinpaprika'] .anomaly-note").ShouldStartWith("1 anomalous of the last 12 runs");
        page.Text("[data-source='coinpaprika'] .freshness").ShouldContain("30 minutes ago");
        page.Text("#generated-at").ShouldContain("runs every 1 h");

        page.Until("return document.querySelector('#runs-body tr')?.dataset.runId ?? ''", data.NewestRun.ToString());
        page.Cells("#runs-body tr:first-child").Skip(1).ShouldBe(["csv", "startup", "partial", "3 s", "45", "40", "2", "3", "stopped after 40 records"], ignoreOrder: false);
        page.Until("return document.querySelectorAll('#drift-body tr').length", 2L);
        page.Cells("#drift-body tr:first-child").Skip(1).ShouldBe(["coingecko", "listing", "current_price", "price_current", "87%", "mapped", "current_price was renamed price_current (confidence 0.87)"], ignoreOrder: false);

        // BTC, the largest asset, is shown first: a line per source that quotes it, and the median; prices to the digit.
        page.Until($"return {Legend}", "coingecko,coinpaprika,csv,median,spread");
        page.Until("return document.getElementById('asset-chart').dataset.series", "coingecko,coinpaprika,csv,median");
        page.Text("#asset-state").ShouldBe("One point per 4h per source.");
        page.Text("[data-series='coinpaprika'] output").ShouldBe("$87,000.12345678");
        page.Text("[data-series='median'] output").ShouldBe("$86,995.31172839");
        page.Text("#asset-summary").ShouldContain("Median $86,990.50");
        page.Until("return document.querySelectorAll('#mappings-body tr').length", 3L);
        page.Screenshot("overview");

        page.Click("[data-range='24h']");
        page.Until("return document.getElementById('asset-state').textContent", "One point per 5m per source.");
        page.Text("[data-range='24h']").ShouldBe("24 h");
        page.Until("return document.querySelector(\"[data-range='24h']\").getAttribute('aria-pressed')", "true");

        page.Type("asset-input", "Ethereum");
        page.Until($"return {Legend}", "coinpaprika,median,spread");
        page.Type("asset-input", "bitcoin");
        page.Until($"return {Legend}", "coingecko,coinpaprika,csv,median,spread");

        var requested = browser.RequestedUrls();
        var app = new Uri(data.BaseAddress);
        requested.ShouldContain(new Uri(app, "/lib/uplot/uPlot.esm.js"));
        requested.ShouldContain(u => u.AbsolutePath.StartsWith("/v1/assets/", StringComparison.Ordinal) && u.AbsolutePath.EndsWith("/history", StringComparison.Ordinal));
        requested.ShouldAllBe(u => u.Scheme == app.Scheme && u.Authority == app.Authority);
        browser.ConsoleErrors().ShouldBeEmpty();
    }

    [Fact]
    public void ARun_OpensFromTheKeyboard_BesideThePreviousRunOfItsSource()
    {
        using var browser = HeadlessChromium.Start();
        var page = new StatusPageDriver(browser);
        browser.Driver.Navigate().GoToUrl(data.BaseAddress + "dashboard");
        page.Until("return document.querySelector('#runs-body tr')?.dataset.runId ?? ''", data.NewestRun.ToString());

        browser.Driver.FindElement(By.CssSelector("#runs-body tr:first-child button")).SendKeys(Keys.Enter);

        page.Until("return document.getElementById('run-dialog').open", true);
        page.Until("return document.querySelector('#run-dialog .comparison caption')?.textContent.startsWith('Against the previous csv run') ?? false", true);
        page.Cells("#run-dialog .comparison tbody tr:nth-child(3)").ShouldBe(["400", "40", "-360", "× 0.1"], ignoreOrder: false);
        page.Text("#run-dialog-body dl").ShouldContain(data.NewestRun.ToString());
        page.Screenshot("run-details");

        browser.Driver.SwitchTo().ActiveElement().SendKeys(Keys.Escape);
        page.Until("return document.getElementById('run-dialog').open", false);
        browser.ConsoleErrors().ShouldBeEmpty();
    }

    [Fact]
    public void ThePage_OnAPhoneInDarkMode_FitsTheScreen()
    {
        using var browser = HeadlessChromium.Start();
        var page = new StatusPageDriver(browser);
        browser.Cdp("Emulation.setDeviceMetricsOverride", new() { ["width"] = 390, ["height"] = 844, ["deviceScaleFactor"] = 2, ["mobile"] = true });
        browser.Cdp("Emulation.setEmulatedMedia", new()
        {
            ["features"] = new[] { new Dictionary<string, object> { ["name"] = "prefers-color-scheme", ["value"] = "dark" } },
        });
        browser.Driver.Navigate().GoToUrl(data.BaseAddress);

        page.Until($"return {Cards}.length", 3L);
        page.Until($"return {Legend}", "coingecko,coinpaprika,csv,median,spread");

        page.Script("return matchMedia('(prefers-color-scheme: dark)').matches").ShouldBe(true);
        page.Script("return window.innerWidth").ShouldBe(390L);
        page.Script("return document.documentElement.scrollWidth <= window.innerWidth").ShouldBe(true, "nothing is wider than the phone");
        page.Script("return getComputedStyle(document.body).backgroundColor").ShouldBe("rgb(15, 18, 22)");
        // A run is a block of labelled values, not a row squeezed into 390 pixels.
        page.Script("return getComputedStyle(document.querySelector('#runs-body td')).display").ShouldBe("grid");
        page.Script("return getComputedStyle(document.querySelector('#runs-body td'), '::before').content").ShouldBe("\"Started\"");
        page.Screenshot("phone-dark");
        browser.ConsoleErrors().ShouldBeEmpty();
    }
}
