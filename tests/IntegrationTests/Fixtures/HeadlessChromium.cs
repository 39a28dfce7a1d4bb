using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Kasparro.IntegrationTests.Fixtures;

/// <summary>
/// Debian's headless Chromium driven through its chromedriver (both installed by scripts/test.sh), in US English, with
/// the DevTools performance log (network events, whatever the Chromium version) and the console log recorded.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string ChromeDriverPath = "/usr/bin/chromedriver";

    private readonly ChromeDriverService _service;
    private readonly List<SentRequest> _requests = [];

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver)
    {
        _service = service;
        Driver = driver;
    }

    public ChromeDriver Driver { get; }

    public static HeadlessChromium Start(int width = 1400, int height = 1000)
    {
        File.Exists(ChromiumPath).ShouldBeTrue($"{ChromiumPath} is missing: make test installs Debian's chromium and chromium-driver");
        File.Exists(ChromeDriverPath).ShouldBeTrue($"{ChromeDriverPath} is missing: make test installs Debian's chromium-driver");

        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", $"--window-size={width},{height}", "--lang=en-US");
        options.SetLoggingPreference(LogType.Performance, LogLevel.All);
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        try
        {
            return new HeadlessChromium(service, new ChromeDriver(service, options, TimeSpan.FromSeconds(60)));
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    /// <summary>Every request the browser sent so far (pages, scripts, fonts, fetches, web sockets), with its headers.</summary>
    public IReadOnlyList<SentRequest> Requests()
    {
        foreach (var entry in Driver.Manage().Logs.GetLog(LogType.Performance))
        {
            using var json = JsonDocument.Parse(entry.Message);
            var message = json.RootElement.GetProperty("message");
            var parameters = message.GetProperty("params");
            switch (message.GetProperty("method").GetString())
            {
                case "Network.requestWillBeSent":
                    var request = parameters.GetProperty("request");
                    var headers = request.GetProperty("headers").EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString() ?? string.Empty, StringComparer.OrdinalIgnoreCase);
                    _requests.Add(new SentRequest(new Uri(request.GetProperty("url").GetString()!), headers));
                    break;
                case "Network.webSocketCreated":
                    _requests.Add(new SentRequest(new Uri(parameters.GetProperty("url").GetString()!), new Dictionary<string, string>()));
                    break;
            }
        }

        return _requests;
    }

    public IReadOnlyList<Uri> RequestedUrls() => Requests().Select(r => r.Url).ToList();

    /// <summary>The console's errors so far: script errors, failed loads and Content-Security-Policy violations.</summary>
    public IReadOnlyList<string> ConsoleErrors() =>
        Driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level == LogLevel.Severe).Select(e => e.Message).ToList();

    /// <summary>A DevTools protocol command (device emulation, full-page captures).</summary>
    public object? Cdp(string command, Dictionary<string, object?> parameters) => Driver.ExecuteCdpCommand(command, parameters);

    public object? Script(string script, params object[] arguments) => ((IJavaScriptExecutor)Driver).ExecuteScript(script, arguments);

    /// <summary>A PNG of the whole page (beyond the window too), saved under .data/test-results/&lt;folder&gt;.</summary>
    public string SaveScreenshot(string folder, string name)
    {
        var directory = Path.Combine(Repository.Root, ".data", "test-results", folder);
        Directory.CreateDirectory(directory);
        var capture = (Dictionary<string, object>)Cdp("Page.captureScreenshot", new() { ["format"] = "png", ["captureBeyondViewport"] = true })!;
        var data = (string)capture["data"];
        var path = Path.Combine(directory, name + ".png");
        File.WriteAllBytes(path, Convert.FromBase64String(data));
        return path;
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        _service.Dispose();
    }

    public sealed record SentRequest(Uri Url, IReadOnlyDictionary<string, string> Headers);
}
