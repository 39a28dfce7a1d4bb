using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Markets;
using NpgsqlTypes;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary>
/// Raw records into their source's raw table, once per content: binary-COPYed straight in, under the 64-bit key of
/// their content (<see cref="RawContentKey"/>) that the table's unique index checks. Content stored before is
/// dropped after one look-up; content whose key other content holds is stored without a key, found by its full hash
/// (migration 0005).
/// </summary>
internal static class RawLanding
{
    /// <summary>Each source keeps its verbatim records in a table of its own.</summary>
    private static readonly Dictionary<string, string> RawTables = new(StringComparer.Ordinal)
    {
        [SourceNames.Csv] = "raw_csv",
        [SourceNames.CoinPaprika] = "raw_coinpaprika",
        [SourceNames.CoinGecko] = "raw_coingecko",
    };

    /// <summary>
    /// The batch's contents already stored: by key ($1), and, for the few rows stored without one (their key was
    /// taken by other content), by full hash ($2).
    /// </summary>
    private const string StoredRawSqlTemplate = """
        SELECT content_key, content_hash FROM {raw_table} WHERE content_key = ANY($1::bigint[])
        UNION ALL
        SELECT content_key, content_hash FROM {raw_table} WHERE content_key IS NULL AND content_hash = ANY($2::bytea[])
        """;

    private const string CopyRawSqlTemplate = """
        COPY {raw_table} (content_key, content_hash, source_record_id, source_reference, run_id, fetched_at, payload, raw_bytes)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>The source's raw table; a source the platform does not know is refused.</summary>
    public static string TableOf(string source) =>
        RawTables.TryGetValue(source, out var table)
            ? table
            : throw new ArgumentException($"'{source}' is not a known source; known: {string.Join(", ", SourceNames.All)}", nameof(source));

    /// <summary>Stores the contents of <paramref name="records"/> not stored yet; returns how many that was.</summary>
    public static async Task<int> LandAsync(
        WriteTransaction transaction, string source, Guid runId, IReadOnlyList<RawRecord> records, CancellationToken cancellationToken)
    {
        var table = TableOf(source);
        var raw = RawRows.Distinct(records);
        if (raw.Count == 0)
        {
            return 0;
        }

        if (await transaction.TryCopyFirstAsync(() => CopyAsync(transaction, table, runId, raw.WithOwnKeys(), cancellationToken), cancellationToken))
        {
            return raw.Count;
        }

        var fresh = raw.Keep(await LookUpStoredAsync(transaction, table, raw, cancellationToken));
        if (fresh.Count > 0)
        {
            await CopyAsync(transaction, table, runId, fresh, cancellationToken);
        }

        return fresh.Count;
    }

    /// <summary>One round trip: which of the batch's contents are stored already, with the key each is stored under.</summary>
    private static async Task<List<(long? Key, byte[] Hash)>> LookUpStoredAsync(
        WriteTransaction transaction, string table, RawRows raw, CancellationToken cancellationToken)
    {
        await using var batch = transaction.CreateBatch();
        batch.BatchCommands.Add(Sql.Statement(
            StoredRawSqlTemplate.Replace("{raw_table}", table, StringComparison.Ordinal), Sql.Values(raw.Keys()), Sql.Values(raw.Hashes())));
        var stored = new List<(long? Key, byte[] Hash)>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stored.Add((reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
        }

        return stored;
    }

    private static async Task CopyAsync(
        WriteTransaction transaction, string table, Guid runId, IReadOnlyList<(RawRecord Record, long? Key)> raw, CancellationToken cancellationToken)
    {
        await using var importer = await transaction.BeginCopyAsync(CopyRawSqlTemplate.Replace("{raw_table}", table, StringComparison.Ordinal), cancellationToken);
        foreach (var (record, key) in raw)
        {
            var payload = record.Payload;
            var json = payload.Json is null ? null : PgText.ToJsonb(payload.Json);

            // When the JSON had to be changed to fit jsonb, the verbatim text is kept as bytes beside it.
            var bytes = VerbatimBytes(payload)
                ?? (json is not null && !ReferenceEquals(json, payload.Json) ? System.Text.Encoding.UTF8.GetBytes(payload.Json!) : (ReadOnlyMemory<byte>?)null);

            await importer.StartRowAsync(cancellationToken);
            await importer.WriteBigintAsync(key, cancellationToken);
            await importer.WriteAsync(payload.ContentHash, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteTextAsync(record.SourceRecordId, cancellationToken);
            await importer.WriteAsync(PgText.Clean(record.Reference), NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(runId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(payload.FetchedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteNullableAsync(json, NpgsqlDbType.Jsonb, cancellationToken);
            await importer.WriteBytesAsync(bytes, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// The record's own bytes. An empty buffer beside JSON counts as none: a null <c>byte[]</c> passed where a
    /// <c>ReadOnlyMemory&lt;byte&gt;?</c> is expected arrives as an empty buffer, not as null.
    /// </summary>
    public static ReadOnlyMemory<byte>? VerbatimBytes(RawPayload payload)
    {
        if (payload.Bytes is { } bytes && (bytes.Length > 0 || payload.Json is null))
        {
            return bytes;
        }

        // Not "? bytes : null": null converts to ReadOnlyMemory<byte> itself (an empty buffer) before becoming nullable.
        return default(ReadOnlyMemory<byte>?);
    }
}
