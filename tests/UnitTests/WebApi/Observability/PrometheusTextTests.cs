using Kasparro.WebApi.Observability;

namespace Kasparro.UnitTests.WebApi.Observability;

public sealed class PrometheusTextTests
{
    [Fact]
    public void Write_ProducesTheExactExposition_ForASmallInput()
    {
        MetricFamily[] families =
        [
            new MetricFamily("api_up", MetricType.Gauge, "1 while up.").Add(1),
            new MetricFamily("http_requests_total", MetricType.Counter, "Requests.")
                .Add(3, ("route", "/v1/runs/{id}"), ("status", "200"))
                .Add(1, ("route", "unmatched"), ("status", "404")),
            new MetricFamily("latency_seconds", MetricType.Histogram, "Latency.").AddHistogram([0.1, 1], [2, 1, 1], 3.25, ("route", "/x")),
            new MetricFamily("never_observed", MetricType.Gauge, "Left out: no samples."),
        ];

        PrometheusText.Write(families).ShouldBe(
            """
            # HELP api_up 1 while up.
            # TYPE api_up gauge
            api_up 1
            # HELP http_requests_total Requests.
            # TYPE http_requests_total counter
            http_requests_total{route="/v1/runs/{id}",status="200"} 3
            http_requests_total{route="unmatched",status="404"} 1
            # HELP latency_seconds Latency.
            # TYPE latency_seconds histogram
            latency_seconds_bucket{route="/x",le="0.1"} 2
            latency_seconds_bucket{route="/x",le="1"} 3
            latency_seconds_bucket{route="/x",le="+Inf"} 4
            latency_seconds_sum{route="/x"} 3.25
            latency_seconds_count{route="/x"} 4

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Write_EscapesBackslashQuoteAndLineFeedInLabelValues()
    {
        var family = new MetricFamily("x", MetricType.Gauge, "h").Add(1, ("source", "a\\b\"c\nd"));

        PrometheusText.Write([family]).ShouldEndWith("x{source=\"a\\\\b\\\"c\\nd\"} 1\n");
    }

    [Fact]
    public void Write_EscapesBackslashAndLineFeedInHelp_ButNotQuotes()
    {
        var family = new MetricFamily("x", MetricType.Gauge, "a \"quoted\" C:\\path\nsecond line").Add(0);

        PrometheusText.Write([family]).ShouldStartWith("# HELP x a \"quoted\" C:\\\\path\\nsecond line\n# TYPE x gauge\n");
    }

    [Fact]
    public void AddHistogram_MakesBucketsCumulative_AndCountEqualToTheInfBucket()
    {
        var family = new MetricFamily("d", MetricType.Histogram, "h").AddHistogram([0.005, 0.01, 0.025], [0, 4, 0, 1], 0.5);

        family.Samples.Select(s => (s.Suffix, s.Labels.Count > 0 ? s.Labels[^1].Value : (string?)null, s.Value)).ShouldBe(
        [
            ("_bucket", "0.005", 0d),
            ("_bucket", "0.01", 4d),
            ("_bucket", "0.025", 4d),
            ("_bucket", "+Inf", 5d),
            ("_sum", null, 0.5),
            ("_count", null, 5d),
        ]);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(1, "1")]
    [InlineData(0.005, "0.005")]
    [InlineData(2.5, "2.5")]
    [InlineData(1234567890123, "1234567890123")]
    [InlineData(-3.25, "-3.25")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void FormatValue_IsInvariantAndSpellsSpecialValuesAsPrometheusDoes(double value, string expected) =>
        PrometheusText.FormatValue(value).ShouldBe(expected);

    [Fact]
    public void FormatValue_DoesNotDependOnTheCurrentCulture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            PrometheusText.FormatValue(2.5).ShouldBe("2.5");
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Families_RefuseInvalidNamesAndMisuse()
    {
        Should.Throw<ArgumentException>(() => new MetricFamily("9lives", MetricType.Gauge, "h"));
        Should.Throw<ArgumentException>(() => new MetricFamily("has-dash", MetricType.Gauge, "h"));
        Should.Throw<ArgumentException>(() => new MetricFamily("ok", MetricType.Gauge, "h").Add(1, ("bad label", "v")));
        Should.Throw<ArgumentException>(() => new MetricFamily("ok", MetricType.Gauge, "h").Add(1, ("__reserved", "v")));
        Should.Throw<InvalidOperationException>(() => new MetricFamily("ok", MetricType.Histogram, "h").Add(1));
        Should.Throw<InvalidOperationException>(() => new MetricFamily("ok", MetricType.Counter, "h").AddHistogram([1], [0, 0], 0));
        Should.Throw<ArgumentException>(() => new MetricFamily("ok", MetricType.Histogram, "h").AddHistogram([1], [0], 0));
        Should.Throw<ArgumentException>(() => new MetricFamily("ok", MetricType.Histogram, "h").AddHistogram([1], [0, 0], 0, ("le", "1")));
    }
}
