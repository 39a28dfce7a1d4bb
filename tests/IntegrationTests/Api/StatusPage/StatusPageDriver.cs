using Kasparro.IntegrationTests.Fixtures;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace Kasparro.IntegrationTests.Api.StatusPage;

/// <summary>What the status page tests do in the browser: wait for a condition, read what is shown, press and type.</summary>
internal sealed class StatusPageDriver(HeadlessChromium browser)
{
    public const string ScreenshotFolder = "status-page";

    private readonly WebDriverWait _wait = new(browser.Driver, TimeSpan.FromSeconds(60));

    /// <summary>Polls a script until it returns <paramref name="expected"/>; on timeout the message shows its last answer.</summary>
    public void Until(string script, object expected)
    {
        object? last = null;
        try
        {
            _wait.Until(_ => Equals(last = browser.Script(script), expected));
        }
        catch (WebDriverTimeoutException)
        {
            throw new ShouldAssertException($"'{script}' still returned '{last}' after a minute; expected '{expected}'. Page state: {States()}");
        }
    }

    public object? Script(string script) => browser.Script(script);

    /// <summary>The visible text of the first element the selector finds.</summary>
    public string Text(string selector) => browser.Driver.FindElement(By.CssSelector(selector)).Text.Trim();

    /// <summary>The visible text of each data cell (td) of a row.</summary>
    public IReadOnlyList<string> Cells(string rowSelector) =>
        browser.Driver.FindElement(By.CssSelector(rowSelector)).FindElements(By.TagName("td")).Select(td => td.Text.Trim()).ToList();

    public void Click(string selector) => browser.Driver.FindElement(By.CssSelector(selector)).Click();

    /// <summary>Types into an input and submits its form with the Enter key, as a reader would.</summary>
    public void Type(string id, string text)
    {
        var input = browser.Driver.FindElement(By.Id(id));
        input.Clear();
        input.SendKeys(text + Keys.Enter);
    }

    public string Screenshot(string name) => browser.SaveScreenshot(ScreenshotFolder, name);

    private string States() =>
        browser.Script("return [...document.querySelectorAll('.state')].map(s => s.id + ': ' + s.textContent).join(' | ')") as string ?? string.Empty;
}
