using Kasparro.Domain.Quotes;
using Npgsql;
using NpgsqlTypes;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary>
/// A batch's quotes into <c>quotes</c>, set-based: the batch is de-duplicated in memory (the newest version of each
/// key), then binary-COPYed straight into the table, letting its unique index check the keys. When the index refuses
/// one (a replay, a rewritten file), one look-up finds which keys are stored: the rest are copied, the stored ones go
/// through one upsert that replaces a row only with a version that is not older and differs.
/// </summary>
internal static class QuoteCopier
{
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

    /// <summary>
    /// Quotes whose key is already stored (one row per key): a stored row is replaced only by a version that is not
    /// older and differs, so a replay never overwrites newer data and an identical replay changes nothing. Its row
    /// count is part of the batch's "loaded". $1 source, $2 ingested_at, $3 run_id, $4.. the columns.
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
    /// Copies the quotes whose key is new, and returns the upsert of the stored ones for the caller to send with its
    /// other statements (in one round trip): read <see cref="QuoteWrite.Loaded"/> once it ran.
    /// </summary>
    public static async Task<QuoteWrite> CopyAsync(
        WriteTransaction transaction, string source, Guid runId, DateTimeOffset ingestedAt, IReadOnlyList<Quote> batch, CancellationToken cancellationToken)
    {
        var mismatched = batch.FirstOrDefault(q => !string.Equals(q.Key.Source, source, StringComparison.Ordinal));
        if (mismatched is not null)
        {
            throw new ArgumentException($"a batch of {source} holds a quote of {mismatched.Key.Source}", nameof(batch));
        }

        var quotes = Newest(batch);
        if (quotes.Count == 0)
        {
            return new QuoteWrite(0, null);
        }

        ingestedAt = ingestedAt.ToUniversalTime();
        if (await transaction.TryCopyFirstAsync(() => CopyRowsAsync(transaction, source, runId, ingestedAt, quotes, cancellationToken), cancellationToken))
        {
            return new QuoteWrite(quotes.Count, null);
        }

        var storedKeys = await LookUpStoredAsync(transaction, source, quotes, cancellationToken);
        var fresh = new List<Quote>(quotes.Count);
        var stored = new List<Quote>();
        foreach (var quote in quotes)
        {
            (storedKeys.Contains((PgText.Clean(quote.Key.SourceAssetId), quote.ObservedAt.UtcTicks)) ? stored : fresh).Add(quote);
        }

        if (fresh.Count > 0)
        {
            await CopyRowsAsync(transaction, source, runId, ingestedAt, fresh, cancellationToken);
        }

        return new QuoteWrite(fresh.Count, stored.Count > 0 ? UpsertCommand(source, ingestedAt, runId, stored) : null);
    }

    /// <summary>One row per quote key: the newest version (the latest source_updated_at, then the last one read).</summary>
    private static List<Quote> Newest(IReadOnlyList<Quote> quotes)
    {
        var index = new Dictionary<(string, long), int>(quotes.Count);
        var newest = new List<Quote>(quotes.Count);
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

    /// <summary>One round trip: which of the batch's quote keys are stored already.</summary>
    private static async Task<HashSet<(string SourceAssetId, long ObservedAtTicks)>> LookUpStoredAsync(
        WriteTransaction transaction, string source, List<Quote> quotes, CancellationToken cancellationToken)
    {
        await using var batch = transaction.CreateBatch();
        batch.BatchCommands.Add(Sql.Statement(
            StoredQuotesSql,
            Sql.Value(PgText.Clean(source)),
            Sql.Values(quotes.Select(q => PgText.Clean(q.Key.SourceAssetId)).ToArray()),
            Sql.Values(quotes.Select(q => q.ObservedAt.ToUniversalTime()).ToArray())));
        var stored = new HashSet<(string, long)>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stored.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1).UtcTicks));
        }

        return stored;
    }

    private static async Task CopyRowsAsync(
        WriteTransaction transaction, string source, Guid runId, DateTimeOffset ingestedAt, List<Quote> quotes, CancellationToken cancellationToken)
    {
        var sourceText = PgText.Clean(source);
        await using var importer = await transaction.BeginCopyAsync(CopyQuotesSql, cancellationToken);

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
            await importer.WriteTextAsync(quote.Name, cancellationToken);
            await importer.WriteAsync(quote.PriceUsd, NpgsqlDbType.Numeric, cancellationToken);
            await importer.WriteNumericAsync(quote.MarketCapUsd, cancellationToken);
            await importer.WriteNumericAsync(quote.Volume24hUsd, cancellationToken);
            await importer.WriteNumericAsync(quote.PercentChange24h, cancellationToken);
            await importer.WriteAsync(quote.SourceUpdatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(ingestedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(runId, NpgsqlDbType.Uuid, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand UpsertCommand(string source, DateTimeOffset ingestedAt, Guid runId, List<Quote> quotes) =>
        Sql.Statement(
            UpsertQuotesSql,
            Sql.Value(PgText.Clean(source)),
            Sql.Value(ingestedAt),
            Sql.Value(runId),
            Sql.Values(quotes.Select(q => PgText.Clean(q.Key.SourceAssetId)).ToArray()),
            Sql.Values(quotes.Select(q => q.ObservedAt.ToUniversalTime()).ToArray()),
            Sql.Values(quotes.Select(q => q.AssetId).ToArray()),
            Sql.Values(quotes.Select(q => PgText.Clean(q.Ticker.Value)).ToArray()),
            Sql.Values(quotes.Select(q => PgText.CleanOrNull(q.Name)).ToArray()),
            Sql.Values(quotes.Select(q => q.PriceUsd).ToArray()),
            Sql.Values(quotes.Select(q => q.MarketCapUsd).ToArray()),
            Sql.Values(quotes.Select(q => q.Volume24hUsd).ToArray()),
            Sql.Values(quotes.Select(q => q.PercentChange24h).ToArray()),
            Sql.Values(quotes.Select(q => q.SourceUpdatedAt.ToUniversalTime()).ToArray()));
}

/// <summary>The quotes a batch copied, and the upsert of those stored before, if any (its row count is known once it ran).</summary>
internal sealed record QuoteWrite(int Copied, NpgsqlBatchCommand? Upsert)
{
    /// <summary>Quotes inserted or changed.</summary>
    public long Loaded => Copied + (Upsert is null ? 0L : (long)Upsert.Rows);
}
