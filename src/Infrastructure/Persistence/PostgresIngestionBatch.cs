using System.Diagnostics;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// One batch, one connection, one READ COMMITTED transaction. Identity is read in one round trip under a
/// transaction-level advisory lock shared by every source. Writing binary-COPYs raw rows, quotes and rejections into
/// <c>ON COMMIT DROP</c> staging tables, then sends one set-based statement per target table, all pipelined in one
/// <see cref="NpgsqlBatch"/>: no per-row round trips. Disposing without <see cref="CommitAsync"/> rolls back.
/// </summary>
internal sealed partial class PostgresIngestionBatch : IIngestionBatch
{
    private const string StageRaw = "kasparro_stage_raw";
    private const string StageQuotes = "kasparro_stage_quotes";
    private const string StageRejections = "kasparro_stage_rejections";

    private static readonly string LockIdentitySql = $"SELECT pg_advisory_xact_lock({AdvisoryLockKeys.Identity})";

    private const string CreateStagingSql = $"""
        CREATE TEMP TABLE {StageRaw} (
            ord integer, content_hash bytea, source_record_id text, source_reference text,
            fetched_at timestamptz, payload jsonb, raw_bytes bytea) ON COMMIT DROP;
        CREATE TEMP TABLE {StageQuotes} (
            ord integer, source_asset_id text, observed_at timestamptz, asset_id uuid, ticker text, name text,
            price_usd numeric, market_cap_usd numeric, volume_24h_usd numeric, percent_change_24h numeric,
            source_updated_at timestamptz) ON COMMIT DROP;
        CREATE TEMP TABLE {StageRejections} (
            ord integer, source_reference text, source_record_id text, content_hash bytea,
            raw_content text, raw_bytes bytea, reasons text[]) ON COMMIT DROP
        """;

    private const string TruncateStagingSql = $"TRUNCATE {StageRaw}, {StageQuotes}, {StageRejections}";

    /// <summary>The keys of the batch ($1 sources, $2 ids) and every id the crosswalk says is the same coin.</summary>
    private const string WantedKeysCte = """
        WITH k AS (SELECT * FROM unnest($1::text[], $2::text[]) AS k(source, source_asset_id)),
        wanted AS (
            SELECT source, source_asset_id FROM k
            UNION
            SELECT c.source, c.source_asset_id
            FROM asset_crosswalk c
            WHERE c.canonical_key IN (SELECT x.canonical_key FROM k JOIN asset_crosswalk x USING (source, source_asset_id)))
        """;

    private const string CrosswalkSql = """
        SELECT c.canonical_key, c.source, c.source_asset_id
        FROM asset_crosswalk c
        WHERE c.canonical_key IN (
            SELECT x.canonical_key
            FROM unnest($1::text[], $2::text[]) AS k(source, source_asset_id)
            JOIN asset_crosswalk x USING (source, source_asset_id))
        """;

    private const string MappingsSql = $"""
        {WantedKeysCte}
        SELECT m.source, m.source_asset_id, m.asset_id, m.method, m.confidence, m.created_at
        FROM wanted w JOIN asset_sources m USING (source, source_asset_id)
        """;

    private const string AssetsSql = $"""
        {WantedKeysCte}
        SELECT a.id, a.ticker, a.name, a.market_cap_usd, a.created_at FROM assets a WHERE a.ticker = ANY($3::text[])
        UNION
        SELECT a.id, a.ticker, a.name, a.market_cap_usd, a.created_at
        FROM assets a
        WHERE a.id IN (SELECT m.asset_id FROM wanted w JOIN asset_sources m USING (source, source_asset_id))
        """;

    private const string CopyRawSql =
        $"COPY {StageRaw} (ord, content_hash, source_record_id, source_reference, fetched_at, payload, raw_bytes) FROM STDIN (FORMAT BINARY)";

    private const string CopyQuotesSql = $"""
        COPY {StageQuotes} (ord, source_asset_id, observed_at, asset_id, ticker, name, price_usd, market_cap_usd,
                            volume_24h_usd, percent_change_24h, source_updated_at) FROM STDIN (FORMAT BINARY)
        """;

    private const string CopyRejectionsSql =
        $"COPY {StageRejections} (ord, source_reference, source_record_id, content_hash, raw_content, raw_bytes, reasons) FROM STDIN (FORMAT BINARY)";

    /// <summary>Raw rows: identical content (within the batch too) is kept once, in the source's own raw table.</summary>
    private const string InsertRawSqlTemplate = $$"""
        INSERT INTO {raw_table} (content_hash, source_record_id, source_reference, run_id, fetched_at, payload, raw_bytes)
        SELECT DISTINCT ON (s.content_hash) s.content_hash, s.source_record_id, s.source_reference, $1, s.fetched_at, s.payload, s.raw_bytes
        FROM {{StageRaw}} s
        ORDER BY s.content_hash, s.ord
        ON CONFLICT (content_hash) DO NOTHING
        """;

    private static readonly Dictionary<string, string> InsertRawSql = new(StringComparer.Ordinal)
    {
        [SourceNames.Csv] = InsertRawSqlTemplate.Replace("{raw_table}", "raw_csv", StringComparison.Ordinal),
        [SourceNames.CoinPaprika] = InsertRawSqlTemplate.Replace("{raw_table}", "raw_coinpaprika", StringComparison.Ordinal),
        [SourceNames.CoinGecko] = InsertRawSqlTemplate.Replace("{raw_table}", "raw_coingecko", StringComparison.Ordinal),
    };

    /// <summary>New assets, or a name adopted / a larger market cap seen; an unchanged row is not rewritten.</summary>
    private const string UpsertAssetsSql = """
        INSERT INTO assets AS a (id, ticker, name, normalized_name, market_cap_usd, created_at, updated_at)
        SELECT u.id, u.ticker, u.name, u.normalized_name, u.market_cap_usd, u.created_at, $7
        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::timestamptz[])
             AS u(id, ticker, name, normalized_name, market_cap_usd, created_at)
        ON CONFLICT (id) DO UPDATE SET
            name = COALESCE(a.name, EXCLUDED.name),
            normalized_name = COALESCE(a.normalized_name, EXCLUDED.normalized_name),
            market_cap_usd = GREATEST(a.market_cap_usd, EXCLUDED.market_cap_usd),
            updated_at = EXCLUDED.updated_at
        WHERE (a.name IS NULL AND EXCLUDED.name IS NOT NULL)
           OR (a.normalized_name IS NULL AND EXCLUDED.normalized_name IS NOT NULL)
           OR EXCLUDED.market_cap_usd > a.market_cap_usd
           OR (a.market_cap_usd IS NULL AND EXCLUDED.market_cap_usd IS NOT NULL)
        """;

    /// <summary>Mapping decisions are stable: the first one stored wins.</summary>
    private const string InsertMappingsSql = """
        INSERT INTO asset_sources (source, source_asset_id, asset_id, method, confidence, created_at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::numeric[], $6::timestamptz[])
        ON CONFLICT (source, source_asset_id) DO NOTHING
        """;

    /// <summary>
    /// One row per key (the newest version in the batch); a stored row is replaced only by a version that is not older
    /// and differs, so a replay never overwrites newer data and an identical replay changes nothing. Its row count is
    /// the batch's "loaded". $1 source, $2 ingested_at, $3 run_id.
    /// </summary>
    private const string UpsertQuotesSql = $"""
        INSERT INTO quotes AS q (source, source_asset_id, observed_at, asset_id, ticker, name, price_usd, market_cap_usd,
                                 volume_24h_usd, percent_change_24h, source_updated_at, ingested_at, run_id)
        SELECT DISTINCT ON (s.source_asset_id, s.observed_at)
               $1, s.source_asset_id, s.observed_at, s.asset_id, s.ticker, s.name, s.price_usd, s.market_cap_usd,
               s.volume_24h_usd, s.percent_change_24h, s.source_updated_at, $2, $3
        FROM {StageQuotes} s
        ORDER BY s.source_asset_id, s.observed_at, s.source_updated_at DESC, s.ord DESC
        ON CONFLICT (source, source_asset_id, observed_at) DO UPDATE SET
            asset_id = EXCLUDED.asset_id,
            ticker = EXCLUDED.ticker,
            name = EXCLUDED.name,
            price_usd = EXCLUDED.price_usd,
            market_cap_usd = EXCLUDED.market_cap_usd,
            volume_24h_usd = EXCLUDED.volume_24h_usd,
            percent_change_24h = EXCLUDED.percent_change_24h,
            source_updated_at = EXCLUDED.source_updated_at,
            ingested_at = EXCLUDED.ingested_at,
            run_id = EXCLUDED.run_id
        WHERE q.source_updated_at <= EXCLUDED.source_updated_at
          AND (q.price_usd, q.market_cap_usd, q.volume_24h_usd, q.percent_change_24h, q.asset_id, q.ticker, q.name)
              IS DISTINCT FROM
              (EXCLUDED.price_usd, EXCLUDED.market_cap_usd, EXCLUDED.volume_24h_usd, EXCLUDED.percent_change_24h,
               EXCLUDED.asset_id, EXCLUDED.ticker, EXCLUDED.name)
        """;

    /// <summary>The same bad content rejected again (in this batch or a later run) is kept once. $1 run, $2 source, $3 time.</summary>
    private const string InsertRejectionsSql = $"""
        INSERT INTO rejected_records (run_id, source, source_reference, source_record_id, content_hash, raw_content, raw_bytes, reasons, rejected_at)
        SELECT DISTINCT ON (s.content_hash) $1, $2, s.source_reference, s.source_record_id, s.content_hash, s.raw_content, s.raw_bytes, s.reasons, $3
        FROM {StageRejections} s
        ORDER BY s.content_hash, s.ord
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

    private const string AddRunProgressSql = """
        UPDATE etl_runs
        SET read_count = read_count + $2, loaded_count = loaded_count + $3,
            skipped_count = skipped_count + $4, rejected_count = rejected_count + $5
        WHERE id = $1
        """;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly ILogger _logger;
    private bool _identityLocked;
    private bool _staged;
    private bool _committed;

    public PostgresIngestionBatch(NpgsqlConnection connection, NpgsqlTransaction transaction, ILogger logger)
    {
        _connection = connection;
        _transaction = transaction;
        _logger = logger;
    }

    public async Task<IdentitySnapshot> LoadIdentityAsync(
        IReadOnlyCollection<SourceKey> keys, IReadOnlyCollection<string> tickers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(tickers);
        if (keys.Count == 0 && tickers.Count == 0)
        {
            return new IdentitySnapshot([], [], []);
        }

        var sources = keys.Select(k => PgText.Clean(k.Source)).ToArray();
        var ids = keys.Select(k => PgText.Clean(k.SourceAssetId)).ToArray();
        var tickerArray = tickers.Select(PgText.Clean).ToArray();

        // The lock comes first in the pipeline: the reads after it take their READ COMMITTED snapshots once it is held,
        // so they see every identity decision committed by the batch that held it before.
        await using var batch = new NpgsqlBatch(_connection, _transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(LockIdentitySql),
                Command(CrosswalkSql, Array(sources), Array(ids)),
                Command(MappingsSql, Array(sources), Array(ids)),
                Command(AssetsSql, Array(sources), Array(ids), Array(tickerArray)),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        _identityLocked = true;

        await reader.NextResultAsync(cancellationToken);
        var crosswalk = new List<CrosswalkEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            crosswalk.Add(new CrosswalkEntry(reader.GetString(0), new SourceKey(reader.GetString(1), reader.GetString(2))));
        }

        await reader.NextResultAsync(cancellationToken);
        var mappings = new List<AssetSourceMapping>();
        while (await reader.ReadAsync(cancellationToken))
        {
            mappings.Add(new AssetSourceMapping(
                new SourceKey(reader.GetString(0), reader.GetString(1)),
                reader.GetGuid(2),
                MappingMethods.Parse(reader.GetString(3)),
                reader.GetDecimal(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }

        await reader.NextResultAsync(cancellationToken);
        var assets = new List<Asset>();
        while (await reader.ReadAsync(cancellationToken))
        {
            assets.Add(new Asset(
                reader.GetGuid(0),
                Ticker.FromStored(reader.GetString(1)),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetDecimal(3),
                reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return new IdentitySnapshot(assets, mappings, crosswalk);
    }

    public async Task<long> WriteAsync(BatchWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (!InsertRawSql.TryGetValue(write.Source, out var insertRawSql))
        {
            throw new ArgumentException($"'{write.Source}' is not a known source; known: {string.Join(", ", SourceNames.All)}", nameof(write));
        }

        var mismatched = write.Quotes.FirstOrDefault(q => !string.Equals(q.Key.Source, write.Source, StringComparison.Ordinal));
        if (mismatched is not null)
        {
            throw new ArgumentException($"a batch of {write.Source} holds a quote of {mismatched.Key.Source}", nameof(write));
        }

        var started = Stopwatch.GetTimestamp();
        if (write.Raw.Count > 0 || write.Quotes.Count > 0 || write.Rejections.Count > 0)
        {
            await PrepareStagingAsync(cancellationToken);
        }

        if (write.Raw.Count > 0)
        {
            await CopyRawAsync(write.Raw, cancellationToken);
        }

        if (write.Quotes.Count > 0)
        {
            await CopyQuotesAsync(write.Quotes, cancellationToken);
        }

        if (write.Rejections.Count > 0)
        {
            await CopyRejectionsAsync(write.Rejections, cancellationToken);
        }

        await using var batch = new NpgsqlBatch(_connection, _transaction);
        if (!_identityLocked && (write.Assets.Count > 0 || write.Mappings.Count > 0))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LockIdentitySql));
            _identityLocked = true;
        }

        var ingestedAt = write.IngestedAt.ToUniversalTime();
        if (write.Raw.Count > 0)
        {
            batch.BatchCommands.Add(Command(insertRawSql, Value(write.RunId)));
        }

        if (write.Assets.Count > 0)
        {
            batch.BatchCommands.Add(AssetsCommand(write.Assets, ingestedAt));
        }

        if (write.Mappings.Count > 0)
        {
            batch.BatchCommands.Add(MappingsCommand(write.Mappings));
        }

        NpgsqlBatchCommand? quotes = null;
        if (write.Quotes.Count > 0)
        {
            quotes = Command(UpsertQuotesSql, Value(PgText.Clean(write.Source)), Value(ingestedAt), Value(write.RunId));
            batch.BatchCommands.Add(quotes);
        }

        if (write.Rejections.Count > 0)
        {
            batch.BatchCommands.Add(Command(InsertRejectionsSql, Value(write.RunId), Value(write.Source), Value(ingestedAt)));
        }

        if (write.Drift.Count > 0)
        {
            batch.BatchCommands.Add(DriftCommand(write.Source, write.RunId, write.Drift, ingestedAt));
        }

        if (write.Checkpoints.Count > 0)
        {
            batch.BatchCommands.Add(CheckpointsCommand(write.Checkpoints, write.RunId, ingestedAt));
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        var loaded = quotes is null ? 0L : (long)quotes.Rows;
        LogWritten(write.Source, write.Quotes.Count, loaded, write.Raw.Count, write.Rejections.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return loaded;
    }

    public async Task AddRunProgressAsync(Guid runId, RunCounts batch, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(AddRunProgressSql, _connection, _transaction)
        {
            Parameters =
            {
                Value(runId), Value(batch.Read), Value(batch.Loaded), Value(batch.Skipped), Value(batch.Rejected),
            },
        };
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new InvalidOperationException($"Run {runId} is not stored: its progress cannot be recorded");
        }
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _transaction.CommitAsync(cancellationToken);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_committed)
        {
            LogRolledBack();
        }

        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private async Task PrepareStagingAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(_staged ? TruncateStagingSql : CreateStagingSql, _connection, _transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _staged = true;
    }

    private async Task CopyRawAsync(IReadOnlyList<RawRecord> raw, CancellationToken cancellationToken)
    {
        await using var importer = await _connection.BeginBinaryImportAsync(CopyRawSql, cancellationToken);
        for (var i = 0; i < raw.Count; i++)
        {
            var record = raw[i];
            var payload = record.Payload;
            var json = payload.Json is null ? null : PgText.ToJsonb(payload.Json);

            // When the JSON had to be changed to fit jsonb, the verbatim text is kept as bytes beside it.
            var bytes = VerbatimBytes(payload)
                ?? (json is not null && !ReferenceEquals(json, payload.Json) ? System.Text.Encoding.UTF8.GetBytes(payload.Json!) : (ReadOnlyMemory<byte>?)null);

            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(payload.ContentHash, NpgsqlDbType.Bytea, cancellationToken);
            await WriteTextAsync(importer, record.SourceRecordId, cancellationToken);
            await importer.WriteAsync(PgText.Clean(record.Reference), NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(payload.FetchedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(importer, json, NpgsqlDbType.Jsonb, cancellationToken);
            await WriteBytesAsync(importer, bytes, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private async Task CopyQuotesAsync(IReadOnlyList<Kasparro.Domain.Quotes.Quote> quotes, CancellationToken cancellationToken)
    {
        await using var importer = await _connection.BeginBinaryImportAsync(CopyQuotesSql, cancellationToken);
        for (var i = 0; i < quotes.Count; i++)
        {
            var quote = quotes[i];
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(PgText.Clean(quote.Key.SourceAssetId), NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(quote.ObservedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(quote.AssetId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(PgText.Clean(quote.Ticker.Value), NpgsqlDbType.Text, cancellationToken);
            await WriteTextAsync(importer, quote.Name, cancellationToken);
            await importer.WriteAsync(quote.PriceUsd, NpgsqlDbType.Numeric, cancellationToken);
            await WriteNumericAsync(importer, quote.MarketCapUsd, cancellationToken);
            await WriteNumericAsync(importer, quote.Volume24hUsd, cancellationToken);
            await WriteNumericAsync(importer, quote.PercentChange24h, cancellationToken);
            await importer.WriteAsync(quote.SourceUpdatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private async Task CopyRejectionsAsync(IReadOnlyList<Rejection> rejections, CancellationToken cancellationToken)
    {
        await using var importer = await _connection.BeginBinaryImportAsync(CopyRejectionsSql, cancellationToken);
        for (var i = 0; i < rejections.Count; i++)
        {
            var rejection = rejections[i];
            var reasons = rejection.Reasons.Where(r => !string.IsNullOrWhiteSpace(r)).Select(PgText.Clean).ToArray();
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(PgText.Clean(rejection.Reference), NpgsqlDbType.Text, cancellationToken);
            await WriteTextAsync(importer, rejection.SourceRecordId, cancellationToken);
            await importer.WriteAsync(rejection.Payload.ContentHash, NpgsqlDbType.Bytea, cancellationToken);
            await WriteTextAsync(importer, rejection.Payload.Json, cancellationToken);
            await WriteBytesAsync(importer, VerbatimBytes(rejection.Payload), cancellationToken);
            await importer.WriteAsync(reasons.Length > 0 ? reasons : ["rejected without a stated reason"], NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// The record's own bytes. An empty buffer beside JSON counts as none: a null <c>byte[]</c> passed where a
    /// <c>ReadOnlyMemory&lt;byte&gt;?</c> is expected arrives as an empty buffer, not as null.
    /// </summary>
    private static ReadOnlyMemory<byte>? VerbatimBytes(RawPayload payload)
    {
        if (payload.Bytes is { } bytes && (bytes.Length > 0 || payload.Json is null))
        {
            return bytes;
        }

        // Not "? bytes : null": null converts to ReadOnlyMemory<byte> itself (an empty buffer) before becoming nullable.
        return default(ReadOnlyMemory<byte>?);
    }

    private static NpgsqlBatchCommand AssetsCommand(IReadOnlyList<Asset> assets, DateTimeOffset now)
    {
        var unique = assets.DistinctBy(a => a.Id).ToList();
        return Command(
            UpsertAssetsSql,
            Array(unique.Select(a => a.Id).ToArray()),
            Array(unique.Select(a => PgText.Clean(a.Ticker.Value)).ToArray()),
            Array(unique.Select(a => PgText.CleanOrNull(a.Name)).ToArray()),
            Array(unique.Select(a => PgText.CleanOrNull(a.NormalizedName)).ToArray()),
            Array(unique.Select(a => a.MarketCapUsd).ToArray()),
            Array(unique.Select(a => a.CreatedAt.ToUniversalTime()).ToArray()),
            Value(now));
    }

    private static NpgsqlBatchCommand MappingsCommand(IReadOnlyList<AssetSourceMapping> mappings) =>
        Command(
            InsertMappingsSql,
            Array(mappings.Select(m => PgText.Clean(m.Key.Source)).ToArray()),
            Array(mappings.Select(m => PgText.Clean(m.Key.SourceAssetId)).ToArray()),
            Array(mappings.Select(m => m.AssetId).ToArray()),
            Array(mappings.Select(m => m.Method.ToText()).ToArray()),
            Array(mappings.Select(m => Math.Clamp(m.Confidence, 0m, 1m)).ToArray()),
            Array(mappings.Select(m => m.CreatedAt.ToUniversalTime()).ToArray()));

    private static NpgsqlBatchCommand DriftCommand(string source, Guid runId, IReadOnlyList<SourceSchemaDrift> drift, DateTimeOffset now) =>
        Command(
            InsertDriftSql,
            Value(source),
            Value(runId),
            Array(drift.Select(d => PgText.Clean(d.Stream)).ToArray()),
            Array(drift.Select(d => PgText.Clean(d.ExpectedField)).ToArray()),
            Array(drift.Select(d => PgText.CleanOrNull(d.ObservedField)).ToArray()),
            Array(drift.Select(d => Math.Round(Math.Clamp(d.Confidence, 0m, 1m), 4, MidpointRounding.AwayFromZero)).ToArray()),
            Array(drift.Select(d => PgText.Clean(d.Action)).ToArray()),
            Array(drift.Select(d => PgText.Clean(d.Message)).ToArray()),
            Value(now));

    private static NpgsqlBatchCommand CheckpointsCommand(IReadOnlyList<Checkpoint> checkpoints, Guid runId, DateTimeOffset now)
    {
        // One row per (source, stream), the furthest one: ON CONFLICT DO UPDATE may touch a row only once per statement.
        var furthest = checkpoints
            .GroupBy(c => (c.Source, c.Stream))
            .Select(g => g.OrderByDescending(c => c.Generation).ThenByDescending(c => c.Position).First())
            .ToList();
        return Command(
            UpsertCheckpointsSql,
            Array(furthest.Select(c => PgText.Clean(c.Source)).ToArray()),
            Array(furthest.Select(c => PgText.Clean(c.Stream)).ToArray()),
            Array(furthest.Select(c => c.Generation).ToArray()),
            Array(furthest.Select(c => c.Position).ToArray()),
            Array(furthest.Select(c => c.Rows).ToArray()),
            Array(furthest.Select(c => PgText.ToJsonb(c.State)).ToArray()),
            Value(runId),
            Value(now));
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    private static NpgsqlParameter<T[]> Array<T>(T[] values) => new() { TypedValue = values };

    private static ValueTask WriteTextAsync(NpgsqlBinaryImporter importer, string? text, CancellationToken cancellationToken) =>
        WriteNullableAsync(importer, PgText.CleanOrNull(text), NpgsqlDbType.Text, cancellationToken);

    private static async ValueTask WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await importer.WriteNullAsync(cancellationToken);
        }
        else
        {
            await importer.WriteAsync(value, type, cancellationToken);
        }
    }

    private static async ValueTask WriteBytesAsync(NpgsqlBinaryImporter importer, ReadOnlyMemory<byte>? value, CancellationToken cancellationToken)
    {
        if (value is { } bytes)
        {
            await importer.WriteAsync(bytes, NpgsqlDbType.Bytea, cancellationToken);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken);
        }
    }

    private static async ValueTask WriteNumericAsync(NpgsqlBinaryImporter importer, decimal? value, CancellationToken cancellationToken)
    {
        if (value is { } number)
        {
            await importer.WriteAsync(number, NpgsqlDbType.Numeric, cancellationToken);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch of {Source} written: {Quotes} quotes ({Loaded} loaded), {Raw} raw, {Rejected} rejected in {ElapsedMs} ms")]
    private partial void LogWritten(string source, int quotes, long loaded, int raw, int rejected, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch rolled back: disposed before commit")]
    private partial void LogRolledBack();
}
