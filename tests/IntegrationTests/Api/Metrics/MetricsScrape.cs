using System.Globalization;
using System.Net;

namespace Kasparro.IntegrationTests.Api.Metrics;

/// <summary>Reading <c>/metrics</c> in tests: the exposition text and the value of one series in it.</summary>
public static class MetricsScrape
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static async Task<string> ScrapeAsync(this HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType?.ToString().ShouldBe(ContentType);
        return text;
    }

    /// <summary>The value of the series written exactly as <paramref name="series"/> (name and labels); 0 when absent.</summary>
    public static double Value(this string exposition, string series)
    {
        var line = exposition.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    public static IEnumerable<string> Samples(this string exposition) =>
        exposition.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'));
}
