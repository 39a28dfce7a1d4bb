using Kasparro.IntegrationTests.Fixtures;

namespace Kasparro.IntegrationTests.Api.StatusPage;

/// <summary>
/// The status page on a server with <c>API_KEYS</c>: it asks for a key, shows the server's 401 for a wrong one, keeps the
/// right one for the tab (sessionStorage) and sends it in the <c>X-API-Key</c> header, never in a URL.
/// </summary>
public sealed class StatusPageKeyTests(KeyedStatusPageData data) : IClassFixture<KeyedStatusPageData>
{
    private const string WrongKey = "not-the-read-key";

    [Fact]
    public void AWrongKey_ShowsThe401_AndTheRightOne_IsKeptForTheTab()
    {
        using var browser = HeadlessChromium.Start();
        var page = new StatusPageDriver(browser);
        browser.Driver.Navigate().GoToUrl(data.BaseAddress);

        page.Until("return !document.getElementById('key-panel').hidden && document.getElementById('main').hidden", true);
        page.Until("return document.activeElement.id", "key-input");

        page.Type("key-input", WrongKey);
        page.Until("return !document.getElementById('key-error').hidden", true);
        page.Text("#key-error").ShouldBe("The server refused this key (HTTP 401). An API key is required. Enter another one.");
        page.Script("return sessionStorage.getItem('kasparro.apiKey')").ShouldBeNull();
        page.Screenshot("key-refused");

        page.Type("key-input", KeyedStatusPageData.Key);
        page.Until("return document.querySelectorAll('#source-cards .card').length", 3L);
        page.Script("return sessionStorage.getItem('kasparro.apiKey')").ShouldBe(KeyedStatusPageData.Key);
        page.Until("return document.getElementById('forget-key').hidden", false);

        // Asked once: a reload reads the key from the tab's storage.
        browser.Driver.Navigate().Refresh();
        page.Until("return document.querySelectorAll('#source-cards .card').length", 3L);
        page.Script("return document.getElementById('key-panel').hidden").ShouldBe(true);

        var requests = browser.Requests();
        var app = new Uri(data.BaseAddress);
        requests.ShouldAllBe(r => r.Url.Scheme == app.Scheme && r.Url.Authority == app.Authority);
        requests.ShouldNotContain(r => r.Url.OriginalString.Contains(KeyedStatusPageData.Key, StringComparison.Ordinal) || r.Url.OriginalString.Contains(WrongKey, StringComparison.Ordinal));
        requests.ShouldContain(r => r.Url.AbsolutePath == "/v1/stats" && r.Headers.GetValueOrDefault("X-API-Key") == KeyedStatusPageData.Key);
        requests.ShouldContain(r => r.Url.AbsolutePath == "/v1/stats" && r.Headers.GetValueOrDefault("X-API-Key") == WrongKey);
    }
}
