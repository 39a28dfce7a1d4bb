using System.Globalization;
using Kasparro.Application.Common.Queries;
using Kasparro.Application.Runs.Ports;
using Kasparro.Domain.Ingestion;

namespace Kasparro.Application.Runs.GetRunAnomalies;

/// <summary>
/// <c>GET /v1/runs/anomalies</c>: finished runs whose loaded count or duration sits far outside their source's recent
/// history, newest first. Each of the latest <see cref="GetRunAnomaliesHandler.RunsExaminedPerSource"/> finished runs
/// of a source is judged by <see cref="RunAnomalyRule"/> against the <c>window</c> finished runs of that source that
/// started before it (at least <see cref="RunAnomalyRule.DefaultMinHistory"/> of them, else it is not judged).
/// </summary>
public sealed record GetRunAnomaliesQuery(
    Parsed<IReadOnlyList<string>> Sources,
    Parsed<int> Limit,
    Parsed<int> Window,
    Parsed<double> Threshold) : IRequest<RunAnomalies>
{
    public const int MinWindow = RunAnomalyRule.DefaultMinHistory;
    public const int MaxWindow = 200;
    public const double MinThreshold = 1;
    public const double MaxThreshold = 1000;

    public static GetRunAnomaliesQuery Parse(string? source = null, string? limit = null, string? window = null, string? threshold = null) =>
        new(
            QueryText.Sources(source),
            NewestFirstList.Limit(limit),
            QueryText.WholeNumber(
                window, MinWindow, MaxWindow, RunAnomalyRule.DefaultWindow, $"must be a whole number from {MinWindow} to {MaxWindow}: how many earlier runs form the baseline"),
            threshold is null ? Parsed.Absent(RunAnomalyRule.DefaultThreshold)
            : TryParseThreshold(threshold, out var value) ? Parsed.Valid(value)
            : Parsed.Invalid(RunAnomalyRule.DefaultThreshold, $"must be a number from {MinThreshold} to {MaxThreshold} (plain decimal, e.g. 3.5)"));

    private static bool TryParseThreshold(string text, out double value)
    {
        value = 0;
        return text.Length is > 0 and <= 12
               && text.All(c => char.IsAsciiDigit(c) || c == '.')
               && double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
               && value is >= MinThreshold and <= MaxThreshold;
    }
}

/// <summary>The anomalous runs (at most <c>limit</c>, newest first) and the rule's parameters as applied.</summary>
public sealed record RunAnomalies(IReadOnlyList<AnomalousRun> Data, AnomalyRuleApplied Rule);

public sealed record AnomalousRun(RunDto Run, IReadOnlyList<MetricAnomaly> Anomalies);

/// <summary>
/// One metric (<c>loaded_count</c> or <c>duration_ms</c>) of a run that broke the rule: its value, the baseline's median
/// and raw MAD, the scale divided by (see <see cref="RunAnomalyRule"/>), the robust z-score (positive above the median),
/// how many earlier runs formed the baseline, and a sentence saying so.
/// </summary>
public sealed record MetricAnomaly(
    string Metric, double Value, double BaselineMedian, double BaselineMad, double Scale, double ZScore, int HistorySize, string Reason);

public sealed record AnomalyRuleApplied(
    int Window, double Threshold, int MinHistory, double MadScale, int RunsExaminedPerSource, string Definition);

public sealed class GetRunAnomaliesHandler(IRunReader reader) : IRequestHandler<GetRunAnomaliesQuery, RunAnomalies>
{
    /// <summary>How far back anomalies are looked for: the latest finished runs of each source.</summary>
    public const int RunsExaminedPerSource = 1000;

    public const string LoadedCount = "loaded_count";
    public const string DurationMs = "duration_ms";

    public async Task<RunAnomalies> Handle(GetRunAnomaliesQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (limit, window, threshold) = (request.Limit.Value, request.Window.Value, request.Threshold.Value);

        var runs = await reader.ReadFinishedWithHistoryAsync(request.Sources.Value, window, RunsExaminedPerSource, cancellationToken);
        var found = new List<AnomalousRun>();
        foreach (var candidate in runs)
        {
            if (found.Count == limit)
            {
                break;
            }

            var anomalies = Judge(candidate, threshold);
            if (anomalies.Count > 0)
            {
                found.Add(new AnomalousRun(candidate.Run, anomalies));
            }
        }

        return new RunAnomalies(found, new AnomalyRuleApplied(
            window,
            threshold,
            RunAnomalyRule.DefaultMinHistory,
            RunAnomalyRule.MadConsistency,
            RunsExaminedPerSource,
            "For each finished run, and each of loaded_count and duration_ms: z = (value - median) / scale over the same "
            + "source's previous `window` finished runs, scale = 1.4826 x MAD (when MAD is 0: 1.2533 x the mean absolute "
            + "deviation from the median), and never below max(1, 5% of |median|). Anomalous when |z| > threshold; runs "
            + "with fewer than min_history earlier runs are not judged."));
    }

    /// <summary>The anomalous metrics of one run; empty when it is unremarkable or its history is too short.</summary>
    public static IReadOnlyList<MetricAnomaly> Judge(RunWithHistory candidate, double threshold)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var anomalies = new List<MetricAnomaly>(2);
        var loaded = RunAnomalyRule.Assess(candidate.Run.Loaded, candidate.PriorLoaded.Select(v => (double)v).ToList(), threshold);
        if (loaded is { IsAnomalous: true })
        {
            anomalies.Add(ToAnomaly(LoadedCount, loaded, threshold));
        }

        if (candidate.Run.DurationMs is { } duration)
        {
            var history = candidate.PriorDurationsMs.OfType<long>().Select(v => (double)v).ToList();
            var assessed = RunAnomalyRule.Assess(duration, history, threshold);
            if (assessed is { IsAnomalous: true })
            {
                anomalies.Add(ToAnomaly(DurationMs, assessed, threshold));
            }
        }

        return anomalies;
    }

    private static MetricAnomaly ToAnomaly(string metric, MetricAssessment a, double threshold)
    {
        var direction = a.ZScore > 0 ? "above" : "below";
        var reason = string.Create(
            CultureInfo.InvariantCulture,
            $"{metric} {a.Value:0.###} is {Math.Abs(a.ZScore):0.##} scaled deviations {direction} the median {a.Median:0.###} of the source's previous {a.HistorySize} finished runs (|z| > {threshold:0.###})");
        return new MetricAnomaly(metric, a.Value, a.Median, a.Mad, Math.Round(a.Scale, 3), Math.Round(a.ZScore, 3), a.HistorySize, reason);
    }
}
