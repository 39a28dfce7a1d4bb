using System.Diagnostics.Metrics;

namespace Kasparro.Infrastructure.Persistence.Changes;

/// <summary>
/// The data change listener's series on the <see cref="MeterName"/> meter, read from <see cref="DataVersionTracker"/> at
/// each scrape: <c>data_version</c>, <c>data_changes_listening</c> and <c>data_changes_listens_total</c>.
/// </summary>
public static class DataChangeInstruments
{
    public const string MeterName = "Kasparro.DataChanges";

    public static void Create(IMeterFactory meters, DataVersionTracker tracker)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(tracker);
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(
            "data_version", () => tracker.KnownVersion, description: "The version of the stored data this process last knew of; every stored change moves it on.");
        meter.CreateObservableGauge(
            "data_changes_listening",
            () => tracker.Watching ? 1 : 0,
            description: "1 while this process hears of every stored change as it commits (its response cache is in use), else 0.");
        meter.CreateObservableCounter(
            "data_changes_listens", () => tracker.Epoch, "{listen}", "Times this process started hearing of stored changes: 1 after start, one more per reconnection.");
    }
}
