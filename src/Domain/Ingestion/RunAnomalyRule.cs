namespace Kasparro.Domain.Ingestion;

/// <summary>
/// When is a run's metric (its loaded count, its duration) far outside its source's recent history? A robust z-score:
/// <c>z = (value - median) / scale</c> over the previous runs' values, anomalous when <c>|z| &gt; threshold</c>.
/// </summary>
/// <remarks>
/// <para><c>scale</c> is <see cref="MadConsistency"/> x MAD (the median absolute deviation from the median: for normal
/// data this estimates the standard deviation, and unlike it one earlier outlier cannot inflate it).</para>
/// <para>When more than half the history is one value the MAD is 0 (an incremental source that usually loads nothing).
/// Then <c>scale</c> is <see cref="MeanAdConsistency"/> x the mean absolute deviation from the median, which still sees
/// the minority of different values.</para>
/// <para>Whatever the spread, <c>scale</c> is at least <see cref="MinAbsoluteScale"/> and <see cref="MinRelativeScale"/>
/// of the median's magnitude: a perfectly constant history (every run loaded 100) then flags a spike (1000) but not
/// jitter (101), and z is always finite.</para>
/// <para>A history shorter than the minimum gives no verdict at all (<see langword="null"/>).</para>
/// </remarks>
public static class RunAnomalyRule
{
    public const int DefaultWindow = 20;
    public const int DefaultMinHistory = 5;
    public const double DefaultThreshold = 3.5;

    /// <summary>Makes the MAD estimate the standard deviation of normally distributed data (1 / Φ⁻¹(3/4)).</summary>
    public const double MadConsistency = 1.4826;

    /// <summary>Makes the mean absolute deviation estimate the standard deviation of normal data (√(π/2)).</summary>
    public const double MeanAdConsistency = 1.2533;

    public const double MinAbsoluteScale = 1;
    public const double MinRelativeScale = 0.05;

    /// <summary>The verdict on <paramref name="value"/> against <paramref name="history"/>, or null when the history is too short.</summary>
    public static MetricAssessment? Assess(double value, IReadOnlyCollection<double> history, double threshold = DefaultThreshold, int minHistory = DefaultMinHistory)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threshold);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minHistory);
        if (!double.IsFinite(value) || history.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("values must be finite numbers");
        }

        if (history.Count < minHistory)
        {
            return null;
        }

        var median = Median(history);
        var deviations = history.Select(v => Math.Abs(v - median)).ToList();
        var mad = Median(deviations);
        var spread = mad > 0 ? MadConsistency * mad : MeanAdConsistency * deviations.Average();
        var scale = Math.Max(spread, Math.Max(MinAbsoluteScale, MinRelativeScale * Math.Abs(median)));
        var z = (value - median) / scale;
        return new MetricAssessment(value, median, mad, scale, z, history.Count, Math.Abs(z) > threshold);
    }

    /// <summary>The middle value; the mean of the two middle values of an even count.</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("the median of nothing is undefined", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>
/// One metric of one run judged against its history: the baseline (median, raw MAD, the scale actually divided by),
/// the robust z-score (positive above the median), how many earlier runs formed the baseline, and the verdict.
/// </summary>
public sealed record MetricAssessment(double Value, double Median, double Mad, double Scale, double ZScore, int HistorySize, bool IsAnomalous);
