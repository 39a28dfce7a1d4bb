namespace Kasparro.IntegrationTests.Api.Runs;

/// <summary><c>etl_runs</c> and <c>schema_drift_events</c> rows written straight into the tables.</summary>
public static class RunSeed
{
    /// <summary>A run; unless it is running, it finished <paramref name="durationMs"/> after it started.</summary>
    public static async Task<Guid> RunAsync(
        this ApiFactory api,
        string source,
        DateTimeOffset startedAt,
        string status = "succeeded",
        long? durationMs = 1000,
        long read = 0,
        long loaded = 0,
        long skipped = 0,
        long rejected = 0,
        string trigger = "schedule",
        string? error = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var id = Guid.CreateVersion7();
        var running = status == "running";
        await api.ExecuteAsync(
            "INSERT INTO etl_runs (id, source, trigger, status, started_at, finished_at, duration_ms, read_count, loaded_count, skipped_count, rejected_count, error_message) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            id,
            source,
            trigger,
            status,
            startedAt.UtcDateTime,
            running ? null : startedAt.AddMilliseconds(durationMs ?? 0).UtcDateTime,
            running ? null : durationMs,
            read,
            loaded,
            skipped,
            rejected,
            error);
        return id;
    }

    public static async Task<long> DriftAsync(
        this ApiFactory api,
        string source,
        Guid runId,
        DateTimeOffset detectedAt,
        string expectedField,
        string? observedField,
        decimal confidence,
        string action,
        string message,
        string stream = "listing")
    {
        ArgumentNullException.ThrowIfNull(api);
        return (await api.ScalarAsync<long>(
            "INSERT INTO schema_drift_events (source, run_id, stream, expected_field, observed_field, confidence, action, message, detected_at) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            source,
            runId,
            stream,
            expectedField,
            observedField,
            confidence,
            action,
            message,
            detectedAt.UtcDateTime));
    }
}
