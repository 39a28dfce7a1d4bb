using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Kasparro.IntegrationTests.Api.Metrics;

/// <summary>One sample line of the exposition: the series name, its labels and its value.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>Whether every label of <paramref name="labels"/> is on this sample with that value (others may be too).</summary>
    public bool Has(params (string Name, string Value)[] labels) =>
        labels.All(l => Labels.TryGetValue(l.Name, out var value) && value == l.Value);
}

/// <summary>Reading <c>/metrics</c> in tests: the exposition text, its samples, and sums over series.</summary>
public static partial class MetricsScrape
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

    /// <summary>The sample lines, exactly as written (name, labels in braces, value).</summary>
    public static IEnumerable<string> Samples(this string exposition) =>
        exposition.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'));

    public static IEnumerable<MetricSample> Parse(this string exposition) =>
        exposition.Samples().Select(line =>
        {
            var match = SampleLine().Match(line);
            match.Success.ShouldBeTrue($"'{line}' is a sample line");
            var labels = match.Groups["label"].Captures
                .Select((name, i) => (Name: name.Value, Value: Unescape(match.Groups["value"].Captures[i].Value)))
                .ToDictionary(l => l.Name, l => l.Value, StringComparer.Ordinal);
            return new MetricSample(match.Groups["name"].Value, labels, ParseValue(match.Groups["number"].Value));
        });

    /// <summary>The sum of the samples <paramref name="series"/> selects; 0 when there are none.</summary>
    public static double Total(this string exposition, Func<MetricSample, bool> series) => exposition.Parse().Where(series).Sum(s => s.Value);

    /// <summary>The sum of the samples named <paramref name="name"/> that carry <paramref name="labels"/>; 0 when there are none.</summary>
    public static double Sum(this string exposition, string name, params (string Name, string Value)[] labels) =>
        exposition.Total(s => s.Name == name && s.Has(labels));

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{((?<label>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>([^"\\\n]|\\["\\n])*)"(,(?<label>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>([^"\\\n]|\\["\\n])*)")*)?\} (?<number>-?[0-9.]+(E[-+]?[0-9]+)?|\+Inf|-Inf|NaN)$""")]
    public static partial Regex SampleLine();

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string Unescape(string value) =>
        Regex.Replace(value, @"\\(.)", m => m.Groups[1].Value == "n" ? "\n" : m.Groups[1].Value);
}
