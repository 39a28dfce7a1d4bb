using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Kasparro.IntegrationTests.Api.Docs;

/// <summary>
/// Opens <c>/scalar</c> in Debian's headless Chromium (through chromedriver) against the real app on a loopback port,
/// finds the <c>/v1/data</c> operation on the rendered page, and checks from the browser's own network log that every
/// request the page made went to the app: no CDN, no font host, no telemetry.
/// </summary>
public sealed class ScalarBrowserTests(ScalarBrowserTests.Served api) : IClassFixture<ScalarBrowserTests.Served>
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";

    [Fact]
    public void TheReference_RendersTheDataOperation_FromTheAppAlone()
    {
        File.Exists(Chromium).ShouldBeTrue($"{Chromium} is missing: make test installs Debian's chromium and chromium-driver");
        File.Exists(ChromeDriver).ShouldBeTrue($"{ChromeDriver} is missing: make test installs Debian's chromium-driver");

        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000");
        // The performance log carries the browser's DevTools network events, whatever the Chromium version.
        options.SetLoggingPreference(LogType.Performance, LogLevel.All);
        using var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        using var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));

        driver.Navigate().GoToUrl(api.BaseAddress + "scalar");

        // The visible text of the rendered page (not its source): the operation's summary and its path, drawn by Scalar
        // from /openapi/v1.json. WebDriverWait polls until it appears or the minute is up.
        var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(60));
        var text = wait.Until(d =>
        {
            var visible = ((IJavaScriptExecutor)d).ExecuteScript("return document.body.innerText") as string ?? string.Empty;
            return visible.Contains("Normalized quotes", StringComparison.Ordinal) && visible.Contains("/v1/data", StringComparison.Ordinal) ? visible : null;
        });

        text.ShouldContain("Kasparro API");
        driver.Title.ShouldContain("Kasparro");

        var requested = RequestedUrls(driver);
        var app = new Uri(api.BaseAddress);
        // The log saw the page's own requests (so an empty log cannot pass), and nothing went anywhere else.
        requested.ShouldContain(new Uri(app, "/scalar/scalar.js"));
        requested.ShouldContain(new Uri(app, "/openapi/v1.json"));
        requested.ShouldAllBe(u => u.Scheme == app.Scheme && u.Authority == app.Authority);
    }

    /// <summary>Every URL the browser asked for so far: pages, scripts, fonts, fetches and web sockets.</summary>
    private static List<Uri> RequestedUrls(ChromeDriver driver)
    {
        var urls = new List<Uri>();
        foreach (var entry in driver.Manage().Logs.GetLog(LogType.Performance))
        {
            using var json = JsonDocument.Parse(entry.Message);
            var message = json.RootElement.GetProperty("message");
            var parameters = message.GetProperty("params");
            var url = message.GetProperty("method").GetString() switch
            {
                "Network.requestWillBeSent" => parameters.GetProperty("request").GetProperty("url").GetString(),
                "Network.webSocketCreated" => parameters.GetProperty("url").GetString(),
                _ => null,
            };
            if (url is not null)
            {
                urls.Add(new Uri(url));
            }
        }

        return urls;
    }

    /// <summary>The app on Kestrel at 127.0.0.1 on a free port: a browser cannot reach the in-memory test server.</summary>
    public sealed class Served : ApiFactory
    {
        public string BaseAddress { get; private set; } = string.Empty;

        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" };

        protected override async Task SeedAsync()
        {
            await base.SeedAsync();
            UseKestrel();
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            BaseAddress = addresses.First().TrimEnd('/') + "/";
        }
    }
}
