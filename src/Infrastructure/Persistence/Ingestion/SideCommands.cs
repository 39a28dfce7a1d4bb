using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary>
/// What a batch writes besides its rows: rejections, schema drift, checkpoints and the run's counts, each one
/// set-based statement, for a caller to send together in one round trip.
/// </summary>
internal static class SideCommands
{
    private const char ReasonSeparator = '\u001f';

    /// <summary>
    /// The same bad content rejected again (in a later run; the batch keeps the first of each) is kept once. $1 run,
    /// $2 source, $3 time, $4.. the columns; the reasons of a row arrive joined by U+001F.
    /// </summary>
    private const string InsertRejectionsSql = """
        INSERT INTO rejected_records (run_id, source, source_reference, source_record_id, content_hash, raw_content, raw_bytes, reasons, rejected_at)
        SELECT $1, $2, u.source_reference, u.source_record_id, u.content_hash, u.raw_content, u.raw_bytes,
               string_to_array(u.reasons, chr(31)), $3
        FROM unnest($4::text[], $5::text[], $6::bytea[], $7::text[], $8::bytea[], $9::text[]) WITH ORDINALITY
             AS u(source_reference, source_record_id, content_hash, raw_content, raw_bytes, reasons, n)
        ORDER BY u.n
        ON CONFLICT (source, content_hash) DO NOTHING
        """;

    private const string InsertDriftSql = """
        INSERT INTO schema_drift_events (source, run_id, stream, expected_field, observed_field, confidence, action, message, detected_at)
        SELECT $1, $2, u.stream, u.expected_field, u.observed_field, u.confidence, u.action, u.message, $9
        FROM unnest($3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::text[]) WITH ORDINALITY
             AS u(stream, expected_field, observed_field, confidence, action, message, n)
        ORDER BY u.n
        """;

    /// <summary>A checkpoint only moves forward: an older (generation, position) never replaces a newer one.</summary>
    private const string UpsertCheckpointsSql = """
        INSERT INTO etl_checkpoints AS c (source, stream, generation, position, rows, state, run_id, updated_at)
        SELECT u.source, u.stream, u.generation, u.position, u.rows, u.state::jsonb, $7, $8
        FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[])
             AS u(source, stream, generation, position, rows, state)
        ON CONFLICT (source, stream) DO UPDATE SET
            generation = EXCLUDED.generation,
            position = EXCLUDED.position,
            rows = EXCLUDED.rows,
            state = EXCLUDED.state,
            run_id = EXCLUDED.run_id,
            updated_at = EXCLUDED.updated_at
        WHERE (EXCLUDED.generation, EXCLUDED.position) >= (c.generation, c.position)
        """;

    private const string AddRunCountsSql = """
        UPDATE etl_runs
        SET read_count = read_count + $2, loaded_count = loaded_count + $3,
            skipped_count = skipped_count + $4, rejected_count = rejected_count + $5
        WHERE id = $1
        """;

    /// <summary>The first rejection of each content; its reasons (blank ones dropped) joined by U+001F.</summary>
    public static NpgsqlBatchCommand Rejections(string source, Guid runId, DateTimeOffset now, IReadOnlyList<Rejection> rejections)
    {
        var first = rejections.DistinctBy(r => Convert.ToBase64String(r.Payload.ContentHash.Span)).ToList();
        return Sql.Statement(
            InsertRejectionsSql,
            Sql.Value(runId),
            Sql.Value(source),
            Sql.Value(now.ToUniversalTime()),
            Sql.Values(first.Select(r => PgText.Clean(r.Reference)).ToArray()),
            Sql.Values(first.Select(r => PgText.CleanOrNull(r.SourceRecordId)).ToArray()),
            Sql.Values(first.Select(r => r.Payload.ContentHash.ToArray()).ToArray()),
            Sql.Values(first.Select(r => PgText.CleanOrNull(r.Payload.Json)).ToArray()),
            Sql.Values(first.Select(r => RawLanding.VerbatimBytes(r.Payload)?.ToArray()).ToArray()),
            Sql.Values(first.Select(r => Reasons(r.Reasons)).ToArray()));
    }

    public static NpgsqlBatchCommand Drift(string source, Guid runId, DateTimeOffset now, IReadOnlyList<SourceSchemaDrift> drift) =>
        Sql.Statement(
            InsertDriftSql,
            Sql.Value(source),
            Sql.Value(runId),
            Sql.Values(drift.Select(d => PgText.Clean(d.Stream)).ToArray()),
            Sql.Values(drift.Select(d => PgText.Clean(d.ExpectedField)).ToArray()),
            Sql.Values(drift.Select(d => PgText.CleanOrNull(d.ObservedField)).ToArray()),
            Sql.Values(drift.Select(d => Math.Round(Math.Clamp(d.Confidence, 0m, 1m), 4, MidpointRounding.AwayFromZero)).ToArray()),
            Sql.Values(drift.Select(d => PgText.Clean(d.Action)).ToArray()),
            Sql.Values(drift.Select(d => PgText.Clean(d.Message)).ToArray()),
            Sql.Value(now.ToUniversalTime()));

    public static NpgsqlBatchCommand Checkpoints(Guid runId, DateTimeOffset now, IReadOnlyList<Checkpoint> checkpoints)
    {
        // One row per (source, stream), the furthest one: ON CONFLICT DO UPDATE may touch a row only once per statement.
        var furthest = checkpoints
            .GroupBy(c => (c.Source, c.Stream))
            .Select(g => g.OrderByDescending(c => c.Generation).ThenByDescending(c => c.Position).First())
            .ToList();
        return Sql.Statement(
            UpsertCheckpointsSql,
            Sql.Values(furthest.Select(c => PgText.Clean(c.Source)).ToArray()),
            Sql.Values(furthest.Select(c => PgText.Clean(c.Stream)).ToArray()),
            Sql.Values(furthest.Select(c => c.Generation).ToArray()),
            Sql.Values(furthest.Select(c => c.Position).ToArray()),
            Sql.Values(furthest.Select(c => c.Rows).ToArray()),
            Sql.Values(furthest.Select(c => PgText.ToJsonb(c.State)).ToArray()),
            Sql.Value(runId),
            Sql.Value(now.ToUniversalTime()));
    }

    /// <summary>Adds a batch's counts to its run's; <see cref="EnsureRunCounted"/> checks, once it ran, that the run is stored.</summary>
    public static NpgsqlBatchCommand RunCounts(Guid runId, RunCounts batch) =>
        Sql.Statement(AddRunCountsSql, Sql.Value(runId), Sql.Value(batch.Read), Sql.Value(batch.Loaded), Sql.Value(batch.Skipped), Sql.Value(batch.Rejected));

    public static void EnsureRunCounted(NpgsqlBatchCommand runCounts, Guid runId)
    {
        if (runCounts.Rows != 1)
        {
            throw new InvalidOperationException($"Run {runId} is not stored: its progress cannot be recorded");
        }
    }

    private static string Reasons(IReadOnlyList<string> reasons)
    {
        var kept = reasons.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => PgText.Clean(r).Replace(ReasonSeparator, ' ')).ToList();
        return kept.Count > 0 ? string.Join(ReasonSeparator, kept) : "rejected without a stated reason";
    }
}
