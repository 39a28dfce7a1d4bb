using System.Data;
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
/// transaction-level advisory lock shared by every source. Raw rows and quotes are binary-COPYed straight into their
/// tables (COPY's multi-row insert; no staging table, no speculative insertion): a fresh transaction copies the whole
/// batch expecting it to be new and lets the unique indexes check; when they refuse a row, the transaction starts
/// again, looks up in one round trip which raw contents and quote keys are stored, copies the rest and upserts the
/// stored quotes in one set-based statement. Rejections, drift and checkpoints are pipelined in one
/// <see cref="NpgsqlBatch"/>: no per-row round trips. Only runs of one source write its raw rows and quotes, and they
/// hold that source's run lock, so nothing else stores the same row between a look-up and its copy (the runner never
/// overlaps two of its own batches that share a row). Disposing without <see cref="CommitAsync"/> rolls back.
/// </summary>
internal sealed partial class PostgresIngestionBatch : IIngestionBatch
{
    private const char ReasonSeparator = '\u001f';

    private static readonly string LockIdentitySql = $"SELECT pg_advisory_xact_lock({AdvisoryLockKeys.Identity})";

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

    /// <summary>
    /// The assets of the batch's tickers ($3) and of its mapped keys. The tickers are a hashed semi-join, never
    /// <c>= ANY($3)</c>: on a table not yet analyzed (a first load) the planner would test each asset against the
    /// whole array, thousands of comparisons per row.
    /// </summary>
    private const string AssetsSql = $"""
        {WantedKeysCte}
        SELECT a.id, a.ticker, a.name, a.market_cap_usd, a.created_at FROM assets a WHERE a.ticker IN (SELECT unnest($3::text[]))
        UNION
        SELECT a.id, a.ticker, a.name, a.market_cap_usd, a.created_at
        FROM assets a
        WHERE a.id IN (SELECT m.asset_id FROM wanted w JOIN asset_sources m USING (source, source_asset_id))
        """;

    /// <summary>Each source keeps its verbatim records in a table of its own.</summary>
    private static readonly Dictionary<string, string> RawTables = new(StringComparer.Ordinal)
    {
        [SourceNames.Csv] = "raw_csv",
        [SourceNames.CoinPaprika] = "raw_coinpaprika",
        [SourceNames.CoinGecko] = "raw_coingecko",
    };

    /// <summary>
    /// The batch's contents already stored: by key ($1), and, for the few rows stored without one (their key was
    /// taken by other content), by full hash ($2). See migration 0005.
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

    /// <summary>
    /// Which of the batch's quote keys ($2 source asset ids, $3 observed_at, of source $1) are stored: one probe of the
    /// primary key per key, whatever asset each stored row belongs to.
    /// </summary>
    private const string StoredQuotesSql = """
        SELECT q.source_asset_id, q.observed_at
        FROM unnest($2::text[], $3::timestamptz[]) AS k(source_asset_id, observed_at)
        JOIN quotes q ON q.observed_at = k.observed_at AND q.source = $1 AND q.source_asset_id = k.source_asset_id
        """;

    private const string CopyQuotesSql = """
        COPY quotes (source, source_asset_id, observed_at, asset_id, ticker, name, price_usd, market_cap_usd, volume_24h_usd,
                     percent_change_24h, source_updated_at, ingested_at, run_id)
        FROM STDIN (FORMAT BINARY)
        """;

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
    /// Quotes whose key is already stored (one row per key: the batch keeps the newest version of each): a stored row
    /// is replaced only by a version that is not older and differs, so a replay never overwrites newer data and an
    /// identical replay changes nothing. Its row count is part of the batch's "loaded". $1 source, $2 ingested_at,
    /// $3 run_id, $4.. the columns.
    /// </summary>
    private const string UpsertQuotesSql = """
        INSERT INTO quotes AS q (source, source_asset_id, observed_at, asset_id, ticker, name, price_usd, market_cap_usd,
                                 volume_24h_usd, percent_change_24h, source_updated_at, ingested_at, run_id)
        SELECT $1, u.source_asset_id, u.observed_at, u.asset_id, u.ticker, u.name, u.price_usd, u.market_cap_usd,
               u.volume_24h_usd, u.percent_change_24h, u.source_updated_at, $2, $3
        FROM unnest($4::text[], $5::timestamptz[], $6::uuid[], $7::text[], $8::text[], $9::numeric[], $10::numeric[],
                    $11::numeric[], $12::numeric[], $13::timestamptz[])
             AS u(source_asset_id, observed_at, asset_id, ticker, name, price_usd, market_cap_usd, volume_24h_usd,
                  percent_change_24h, source_updated_at)
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

    private const string AddRunProgressSql = """
        UPDATE etl_runs
        SET read_count = read_count + $2, loaded_count = loaded_count + $3,
            skipped_count = skipped_count + $4, rejected_count = rejected_count + $5
        WHERE id = $1
        """;

    private readonly NpgsqlConnection _connection;
    private NpgsqlTransaction _transaction;
    private bool _untouched = true;
    private readonly ILogger _logger;
    private bool _identityLocked;
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

        _untouched = false;
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
        if (!RawTables.TryGetValue(write.Source, out var rawTable))
        {
            throw new ArgumentException($"'{write.Source}' is not a known source; known: {string.Join(", ", SourceNames.All)}", nameof(write));
        }

        var mismatched = write.Quotes.FirstOrDefault(q => !string.Equals(q.Key.Source, write.Source, StringComparison.Ordinal));
        if (mismatched is not null)
        {
            throw new ArgumentException($"a batch of {write.Source} holds a quote of {mismatched.Key.Source}", nameof(write));
        }

        var started = Stopwatch.GetTimestamp();
        var ingestedAt = write.IngestedAt.ToUniversalTime();
        if (write.Assets.Count > 0 || write.Mappings.Count > 0)
        {
            // Before the quotes, which refer to the assets.
            await WriteIdentitiesAsync(write.Assets, write.Mappings, ingestedAt, cancellationToken);
        }

        var raw = RawRows.Distinct(write.Raw);
        var quotes = NewestQuotes(write.Quotes);
        var (newRaw, newQuotes, storedQuotes) = await CopyNewRowsAsync(rawTable, write, ingestedAt, raw, quotes, cancellationToken);
        _untouched = false;

        await using var batch = new NpgsqlBatch(_connection, _transaction);
        NpgsqlBatchCommand? upserted = null;
        if (storedQuotes.Count > 0)
        {
            upserted = UpsertQuotesCommand(write.Source, ingestedAt, write.RunId, storedQuotes);
            batch.BatchCommands.Add(upserted);
        }

        if (write.Rejections.Count > 0)
        {
            batch.BatchCommands.Add(RejectionsCommand(write.Source, write.RunId, ingestedAt, write.Rejections));
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

        var loaded = newQuotes + (upserted is null ? 0L : (long)upserted.Rows);
        LogWritten(write.Source, write.Quotes.Count, loaded, newRaw, write.Rejections.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return loaded;
    }

    public async Task AddRunProgressAsync(Guid runId, RunCounts batch, CancellationToken cancellationToken)
    {
        _untouched = false;
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

    private async Task WriteIdentitiesAsync(
        IReadOnlyList<Asset> assets, IReadOnlyList<AssetSourceMapping> mappings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _untouched = false;
        await using var batch = new NpgsqlBatch(_connection, _transaction);
        if (!_identityLocked)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LockIdentitySql));
            _identityLocked = true;
        }

        if (assets.Count > 0)
        {
            batch.BatchCommands.Add(AssetsCommand(assets, now));
        }

        if (mappings.Count > 0)
        {
            batch.BatchCommands.Add(MappingsCommand(mappings));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Copies the batch's new raw rows and new quotes straight into their tables; returns how many of each, and the
    /// quotes whose key is stored already (for the upsert). When the transaction has written nothing yet (the runner's
    /// data transaction), it first copies everything at once, expecting nothing of the batch to be stored (the common
    /// case: new files, appended rows, moved prices), so that the unique indexes do the looking up. When one refuses a
    /// row (content or a quote key read before, or a content key held by other content), the transaction starts again
    /// and the copy is done after looking up what is stored.
    /// </summary>
    private async Task<(int Raw, int Quotes, List<Kasparro.Domain.Quotes.Quote> Stored)> CopyNewRowsAsync(
        string rawTable, BatchWrite write, DateTimeOffset ingestedAt, RawRows raw, List<Kasparro.Domain.Quotes.Quote> quotes, CancellationToken cancellationToken)
    {
        if (raw.Count == 0 && quotes.Count == 0)
        {
            return (0, 0, []);
        }

        if (_untouched)
        {
            _untouched = false;
            try
            {
                if (raw.Count > 0)
                {
                    await CopyRawAsync(rawTable, write.RunId, raw.WithOwnKeys(), cancellationToken);
                }

                if (quotes.Count > 0)
                {
                    await CopyQuotesAsync(write.Source, write.RunId, ingestedAt, quotes, cancellationToken);
                }

                return (raw.Count, quotes.Count, []);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // Nothing else was written in this transaction, so it starts again: no savepoint (a subtransaction,
                // which every copied row and every foreign key lock of its quotes would belong to) around each copy.
                LogRowsStored(write.Source);
                await _transaction.RollbackAsync(cancellationToken);
                await _transaction.DisposeAsync();
                _transaction = await _connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            }
        }

        var stored = await LookUpStoredAsync(rawTable, write.Source, raw, quotes, cancellationToken);
        var newRaw = raw.Keep(stored.Raw);
        if (newRaw.Count > 0)
        {
            await CopyRawAsync(rawTable, write.RunId, newRaw, cancellationToken);
        }

        var newQuotes = new List<Kasparro.Domain.Quotes.Quote>(quotes.Count);
        var storedQuotes = new List<Kasparro.Domain.Quotes.Quote>();
        foreach (var quote in quotes)
        {
            (stored.Quotes.Contains((PgText.Clean(quote.Key.SourceAssetId), quote.ObservedAt.UtcTicks)) ? storedQuotes : newQuotes).Add(quote);
        }

        if (newQuotes.Count > 0)
        {
            await CopyQuotesAsync(write.Source, write.RunId, ingestedAt, newQuotes, cancellationToken);
        }

        return (newRaw.Count, newQuotes.Count, storedQuotes);
    }

    /// <summary>One round trip: which of the batch's raw contents and quote keys are stored already.</summary>
    private async Task<StoredRows> LookUpStoredAsync(
        string rawTable, string source, RawRows raw, List<Kasparro.Domain.Quotes.Quote> quotes, CancellationToken cancellationToken)
    {
        if (raw.Count == 0 && quotes.Count == 0)
        {
            return StoredRows.None;
        }

        await using var batch = new NpgsqlBatch(_connection, _transaction);
        if (raw.Count > 0)
        {
            batch.BatchCommands.Add(Command(
                StoredRawSqlTemplate.Replace("{raw_table}", rawTable, StringComparison.Ordinal),
                Array(raw.Keys()),
                Array(raw.Hashes())));
        }

        if (quotes.Count > 0)
        {
            batch.BatchCommands.Add(Command(
                StoredQuotesSql,
                Value(PgText.Clean(source)),
                Array(quotes.Select(q => PgText.Clean(q.Key.SourceAssetId)).ToArray()),
                Array(quotes.Select(q => q.ObservedAt.ToUniversalTime()).ToArray())));
        }

        var storedRaw = new List<(long? Key, byte[] Hash)>();
        var storedQuotes = new HashSet<(string, long)>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (raw.Count > 0)
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                storedRaw.Add((reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
            }

            await reader.NextResultAsync(cancellationToken);
        }

        if (quotes.Count > 0)
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                storedQuotes.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1).UtcTicks));
            }
        }

        return new StoredRows(storedRaw, storedQuotes);
    }

    private async Task CopyRawAsync(string rawTable, Guid runId, IReadOnlyList<(RawRecord Record, long? Key)> raw, CancellationToken cancellationToken)
    {
        await using var importer = await _connection.BeginBinaryImportAsync(
            CopyRawSqlTemplate.Replace("{raw_table}", rawTable, StringComparison.Ordinal), cancellationToken);
        foreach (var (record, key) in raw)
        {
            var payload = record.Payload;
            var json = payload.Json is null ? null : PgText.ToJsonb(payload.Json);

            // When the JSON had to be changed to fit jsonb, the verbatim text is kept as bytes beside it.
            var bytes = VerbatimBytes(payload)
                ?? (json is not null && !ReferenceEquals(json, payload.Json) ? System.Text.Encoding.UTF8.GetBytes(payload.Json!) : (ReadOnlyMemory<byte>?)null);

            await importer.StartRowAsync(cancellationToken);
            if (key is { } k)
            {
                await importer.WriteAsync(k, NpgsqlDbType.Bigint, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
            }

            await importer.WriteAsync(payload.ContentHash, NpgsqlDbType.Bytea, cancellationToken);
            await WriteTextAsync(importer, record.SourceRecordId, cancellationToken);
            await importer.WriteAsync(PgText.Clean(record.Reference), NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(runId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(payload.FetchedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(importer, json, NpgsqlDbType.Jsonb, cancellationToken);
            await WriteBytesAsync(importer, bytes, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private async Task CopyQuotesAsync(
        string source, Guid runId, DateTimeOffset ingestedAt, IReadOnlyList<Kasparro.Domain.Quotes.Quote> quotes, CancellationToken cancellationToken)
    {
        var sourceText = PgText.Clean(source);
        await using var importer = await _connection.BeginBinaryImportAsync(CopyQuotesSql, cancellationToken);

        // In ticker order: consecutive rows then go to neighbouring pages of the ticker index, the one index a batch of
        // many coins writes all over (the key leads with observed_at, the asset index with ids of the same coins).
        foreach (var quote in quotes.OrderBy(q => q.Ticker.Value, StringComparer.Ordinal))
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(sourceText, NpgsqlDbType.Text, cancellationToken);
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
            await importer.WriteAsync(ingestedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(runId, NpgsqlDbType.Uuid, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>One row per quote key: the newest version (the latest source_updated_at, then the last one read).</summary>
    private static List<Kasparro.Domain.Quotes.Quote> NewestQuotes(IReadOnlyList<Kasparro.Domain.Quotes.Quote> quotes)
    {
        var index = new Dictionary<(string, long), int>(quotes.Count);
        var newest = new List<Kasparro.Domain.Quotes.Quote>(quotes.Count);
        foreach (var quote in quotes)
        {
            var key = (PgText.Clean(quote.Key.SourceAssetId), quote.ObservedAt.UtcTicks);
            if (!index.TryGetValue(key, out var at))
            {
                index.Add(key, newest.Count);
                newest.Add(quote);
            }
            else if (quote.SourceUpdatedAt >= newest[at].SourceUpdatedAt)
            {
                newest[at] = quote;
            }
        }

        return newest;
    }

    private static NpgsqlBatchCommand UpsertQuotesCommand(
        string source, DateTimeOffset ingestedAt, Guid runId, IReadOnlyList<Kasparro.Domain.Quotes.Quote> quotes) =>
        Command(
            UpsertQuotesSql,
            Value(PgText.Clean(source)),
            Value(ingestedAt),
            Value(runId),
            Array(quotes.Select(q => PgText.Clean(q.Key.SourceAssetId)).ToArray()),
            Array(quotes.Select(q => q.ObservedAt.ToUniversalTime()).ToArray()),
            Array(quotes.Select(q => q.AssetId).ToArray()),
            Array(quotes.Select(q => PgText.Clean(q.Ticker.Value)).ToArray()),
            Array(quotes.Select(q => PgText.CleanOrNull(q.Name)).ToArray()),
            Array(quotes.Select(q => q.PriceUsd).ToArray()),
            Array(quotes.Select(q => q.MarketCapUsd).ToArray()),
            Array(quotes.Select(q => q.Volume24hUsd).ToArray()),
            Array(quotes.Select(q => q.PercentChange24h).ToArray()),
            Array(quotes.Select(q => q.SourceUpdatedAt.ToUniversalTime()).ToArray()));

    /// <summary>The first rejection of each content; its reasons (blank ones dropped) joined by U+001F.</summary>
    private static NpgsqlBatchCommand RejectionsCommand(string source, Guid runId, DateTimeOffset now, IReadOnlyList<Rejection> rejections)
    {
        var first = rejections.DistinctBy(r => Convert.ToBase64String(r.Payload.ContentHash.Span)).ToList();
        return Command(
            InsertRejectionsSql,
            Value(runId),
            Value(source),
            Value(now),
            Array(first.Select(r => PgText.Clean(r.Reference)).ToArray()),
            Array(first.Select(r => PgText.CleanOrNull(r.SourceRecordId)).ToArray()),
            Array(first.Select(r => r.Payload.ContentHash.ToArray()).ToArray()),
            Array(first.Select(r => PgText.CleanOrNull(r.Payload.Json)).ToArray()),
            Array(first.Select(r => VerbatimBytes(r.Payload)?.ToArray()).ToArray()),
            Array(first.Select(r => Reasons(r.Reasons)).ToArray()));
    }

    private static string Reasons(IReadOnlyList<string> reasons)
    {
        var kept = reasons.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => PgText.Clean(r).Replace(ReasonSeparator, ' ')).ToList();
        return kept.Count > 0 ? string.Join(ReasonSeparator, kept) : "rejected without a stated reason";
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch of {Source} holds rows stored before: copied again after looking them up")]
    private partial void LogRowsStored(string source);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch rolled back: disposed before commit")]
    private partial void LogRolledBack();
}
