using System.Diagnostics.Metrics;

namespace Kasparro.WebApi.Observability;

/// <summary>
/// Our own series, as observable instruments on the <see cref="MeterName"/> meter that read <see cref="EtlMetricsSnapshot"/>.
/// The Prometheus exporter appends <c>_seconds</c> for the unit <c>s</c> and <c>_total</c> to counters; a unit in braces
/// adds nothing. So <c>etl_run_duration</c> is exported as <c>etl_run_duration_seconds</c>, <c>etl_records</c> as
/// <c>etl_records_total</c>.
/// </summary>
public sealed class EtlInstruments
{
    public const string MeterName = "Kasparro.Etl";

    public EtlInstruments(IMeterFactory meters, EtlMetricsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(snapshot);
        var meter = meters.Create(MeterName);

        meter.CreateObservableGauge("api_up", () => 1, description: "1 while the API process serves requests.");
        meter.CreateObservableGauge(
            "db_up", () => snapshot.Current().DatabaseUp ? 1 : 0, description: "1 when the database answered this scrape's query, else 0.");
        meter.CreateObservableGauge(
            "etl_last_run_success",
            () => EtlMeasurements.LastRunSuccess(snapshot.Current()),
            description: "1 when the source's last finished run succeeded, 0 when it was partial or failed.");
        meter.CreateObservableGauge(
            "etl_run_duration", () => EtlMeasurements.LastRunDuration(snapshot.Current()), "s", "Duration of the source's last finished run.");
        meter.CreateObservableGauge(
            "etl_last_success_timestamp",
            () => EtlMeasurements.LastSuccessTime(snapshot.Current()),
            "s",
            "When the source's last successful run finished, in Unix time.");
        meter.CreateObservableCounter(
            "etl_records",
            () => EtlMeasurements.Records(snapshot.Current()),
            "{record}",
            "Records over all runs of the source, by outcome: read, loaded, skipped, rejected.");
        meter.CreateObservableCounter("etl_runs", () => EtlMeasurements.Runs(snapshot.Current()), "{run}", "Runs of the source, by status.");
    }
}
