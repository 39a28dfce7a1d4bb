using Kasparro.Application.Metrics.GetEtlMetrics;

namespace Kasparro.WebApi.Observability;

/// <summary>
/// What <c>/metrics</c> shows: the API and the database being up, the ETL series from <c>etl_runs</c> (absent when the
/// database is down), and the HTTP series from the in-process collector.
/// </summary>
public static class MetricsExposition
{
    public static IReadOnlyList<MetricFamily> Families(EtlMetrics etl, HttpMetricsSnapshot http)
    {
        ArgumentNullException.ThrowIfNull(etl);
        ArgumentNullException.ThrowIfNull(http);

        var apiUp = new MetricFamily("api_up", MetricType.Gauge, "1 while the API process serves requests.").Add(1);
        var dbUp = new MetricFamily("db_up", MetricType.Gauge, "1 when the database answered this scrape's query, else 0.").Add(etl.DatabaseUp ? 1 : 0);

        var lastSuccess = new MetricFamily(
            "etl_last_run_success", MetricType.Gauge, "1 when the source's last finished run succeeded, 0 when it was partial or failed.");
        var lastDuration = new MetricFamily("etl_run_duration_seconds", MetricType.Gauge, "Duration of the source's last finished run, in seconds.");
        var records = new MetricFamily(
            "etl_records_total", MetricType.Counter, "Records over all runs of the source, by outcome: read, loaded, skipped, rejected.");
        var runs = new MetricFamily("etl_runs_total", MetricType.Counter, "Runs of the source, by status.");
        var lastSuccessTime = new MetricFamily(
            "etl_last_success_timestamp_seconds", MetricType.Gauge, "When the source's last successful run finished, in Unix seconds.");
        foreach (var source in etl.Sources)
        {
            if (source.LastFinishedStatus is { } status)
            {
                lastSuccess.Add(status == "succeeded" ? 1 : 0, ("source", source.Source));
            }

            if (source.LastFinishedDurationMs is { } durationMs)
            {
                lastDuration.Add(durationMs / 1000d, ("source", source.Source));
            }

            records.Add(source.RecordsRead, ("source", source.Source), ("outcome", "read"));
            records.Add(source.RecordsLoaded, ("source", source.Source), ("outcome", "loaded"));
            records.Add(source.RecordsSkipped, ("source", source.Source), ("outcome", "skipped"));
            records.Add(source.RecordsRejected, ("source", source.Source), ("outcome", "rejected"));
            foreach (var (runStatus, count) in source.RunsByStatus.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                runs.Add(count, ("source", source.Source), ("status", runStatus));
            }

            if (source.LastSuccessAt is { } at)
            {
                lastSuccessTime.Add(at.ToUnixTimeMilliseconds() / 1000d, ("source", source.Source));
            }
        }

        var requests = new MetricFamily("http_requests_total", MetricType.Counter, "HTTP requests by method, route template and status code.");
        foreach (var request in http.Requests)
        {
            requests.Add(request.Count, ("method", request.Method), ("route", request.Route), ("status", request.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var durations = new MetricFamily(
            "http_request_duration_seconds", MetricType.Histogram, "Time from the request reaching the API to its response starting, by method and route template.");
        foreach (var histogram in http.Durations)
        {
            durations.AddHistogram(HttpMetricsCollector.DurationBuckets, histogram.BucketCounts, histogram.SumSeconds, ("method", histogram.Method), ("route", histogram.Route));
        }

        return [apiUp, dbUp, lastSuccess, lastDuration, lastSuccessTime, records, runs, requests, durations];
    }
}
