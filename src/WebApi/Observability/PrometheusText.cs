using System.Globalization;
using System.Text;

namespace Kasparro.WebApi.Observability;

public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>One line of a family: the family name plus <see cref="Suffix"/> (<c>_bucket</c>, <c>_sum</c>...), labels, value.</summary>
public sealed record MetricSample(string Suffix, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value);

/// <summary>
/// A metric family: its name, type and help, and its samples in the order added. Histograms are added whole with
/// <see cref="AddHistogram"/>, which writes the cumulative <c>_bucket</c> lines, <c>_sum</c> and <c>_count</c>.
/// </summary>
public sealed class MetricFamily
{
    private readonly List<MetricSample> _samples = [];

    public MetricFamily(string name, MetricType type, string help)
    {
        if (!PrometheusText.IsMetricName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid metric name", nameof(name));
        }

        Name = name;
        Type = type;
        Help = help ?? throw new ArgumentNullException(nameof(help));
    }

    public string Name { get; }

    public MetricType Type { get; }

    public string Help { get; }

    public IReadOnlyList<MetricSample> Samples => _samples;

    public MetricFamily Add(double value, params (string Name, string Value)[] labels)
    {
        if (Type == MetricType.Histogram)
        {
            throw new InvalidOperationException("a histogram's samples are added with AddHistogram");
        }

        _samples.Add(new MetricSample(string.Empty, Labels(labels), value));
        return this;
    }

    /// <summary>
    /// One histogram series. <paramref name="bucketCounts"/> holds the observations per bucket, not cumulated: one per
    /// upper bound, then one for the observations above the last bound (the <c>+Inf</c> bucket's own share).
    /// </summary>
    public MetricFamily AddHistogram(IReadOnlyList<double> upperBounds, IReadOnlyList<long> bucketCounts, double sum, params (string Name, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(upperBounds);
        ArgumentNullException.ThrowIfNull(bucketCounts);
        if (Type != MetricType.Histogram)
        {
            throw new InvalidOperationException("only a histogram family takes histogram series");
        }

        if (bucketCounts.Count != upperBounds.Count + 1)
        {
            throw new ArgumentException("one count per upper bound, and one for +Inf", nameof(bucketCounts));
        }

        var common = Labels(labels);
        if (common.Any(l => l.Key == "le"))
        {
            throw new ArgumentException("'le' is the bucket label", nameof(labels));
        }

        long cumulative = 0;
        for (var i = 0; i <= upperBounds.Count; i++)
        {
            cumulative += bucketCounts[i];
            var le = i < upperBounds.Count ? PrometheusText.FormatValue(upperBounds[i]) : "+Inf";
            _samples.Add(new MetricSample("_bucket", [.. common, new KeyValuePair<string, string>("le", le)], cumulative));
        }

        _samples.Add(new MetricSample("_sum", common, sum));
        _samples.Add(new MetricSample("_count", common, cumulative));
        return this;
    }

    private static KeyValuePair<string, string>[] Labels((string Name, string Value)[] labels)
    {
        foreach (var (name, _) in labels)
        {
            if (!PrometheusText.IsLabelName(name))
            {
                throw new ArgumentException($"'{name}' is not a valid label name", nameof(labels));
            }
        }

        return [.. labels.Select(l => new KeyValuePair<string, string>(l.Name, l.Value ?? string.Empty))];
    }
}

/// <summary>
/// The Prometheus text exposition format, version 0.0.4: per family a <c># HELP</c> and a <c># TYPE</c> line, then its
/// samples, <c>\n</c> line endings. Label values escape <c>\</c>, <c>"</c> and line feeds; help text escapes <c>\</c> and
/// line feeds. A family without samples is left out.
/// </summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<MetricFamily> families)
    {
        ArgumentNullException.ThrowIfNull(families);
        var text = new StringBuilder();
        foreach (var family in families.Where(f => f.Samples.Count > 0))
        {
            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type.ToString().ToLowerInvariant()).Append('\n');
            foreach (var sample in family.Samples)
            {
                text.Append(family.Name).Append(sample.Suffix);
                if (sample.Labels.Count > 0)
                {
                    text.Append('{');
                    for (var i = 0; i < sample.Labels.Count; i++)
                    {
                        if (i > 0)
                        {
                            text.Append(',');
                        }

                        text.Append(sample.Labels[i].Key).Append("=\"").Append(EscapeLabelValue(sample.Labels[i].Value)).Append('"');
                    }

                    text.Append('}');
                }

                text.Append(' ').Append(FormatValue(sample.Value)).Append('\n');
            }
        }

        return text.ToString();
    }

    public static string EscapeLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    public static string EscapeHelp(string help)
    {
        ArgumentNullException.ThrowIfNull(help);
        return help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    /// <summary>Shortest round-trip text in the invariant culture; <c>+Inf</c>, <c>-Inf</c> and <c>NaN</c> as Prometheus spells them.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public static bool IsMetricName(string? name) =>
        !string.IsNullOrEmpty(name)
        && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    public static bool IsLabelName(string? name) =>
        !string.IsNullOrEmpty(name)
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && !name.StartsWith("__", StringComparison.Ordinal);
}
