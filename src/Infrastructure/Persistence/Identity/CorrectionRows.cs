using System.Text.Json.Nodes;
using Kasparro.Application.Identity.Ports;
using Kasparro.Domain.Assets;
using Kasparro.Infrastructure.Persistence.Ingestion;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence.Identity;

/// <summary>An operator's correction as stored: what it reads, the run locks it holds, and the rows it moves.</summary>
internal static class CorrectionRows
{
    /// <summary>The assets named ($1) and those holding the keys named ($2 sources, $3 ids).</summary>
    private const string AssetIdsCte = """
        WITH k AS (SELECT * FROM unnest($2::text[], $3::text[]) AS k(source, source_asset_id)),
        ids AS (SELECT unnest($1::uuid[]) AS id UNION SELECT m.asset_id FROM k JOIN asset_sources m USING (source, source_asset_id))
        """;

    private const string AssetsSql = $"""
        {AssetIdsCte}
        SELECT a.id, a.ticker, a.name, a.market_cap_usd, a.created_at FROM assets a WHERE a.id IN (SELECT id FROM ids)
        """;

    /// <summary>Every mapping of those assets with its newest quote, a seek on the asset's quote index per mapping.</summary>
    private const string MappingsSql = $"""
        {AssetIdsCte}
        SELECT m.source, m.source_asset_id, m.asset_id, m.method, m.confidence, m.created_at,
               q.ticker, q.name, q.price_usd, q.market_cap_usd, q.observed_at
        FROM asset_sources m
        LEFT JOIN LATERAL (
            SELECT q.ticker, q.name, q.price_usd, q.market_cap_usd, q.observed_at FROM quotes q
            WHERE q.asset_id = m.asset_id AND q.source = m.source AND q.source_asset_id = m.source_asset_id
            ORDER BY q.observed_at DESC LIMIT 1) q ON true
        WHERE m.asset_id IN (SELECT id FROM ids)
        """;

    private const string CorrectionsSql = """
        SELECT id, what, asset_id, other_asset_id FROM identity_decisions
        WHERE what <> 'map' AND (asset_id = ANY($1) OR other_asset_id = ANY($1))
        ORDER BY id
        """;

    /// <summary>Each source's run lock, tried without waiting; the sources whose lock a run holds.</summary>
    private static readonly string HoldRunsSql =
        $"SELECT s.source FROM unnest($1::text[], $2::int[]) AS s(source, lock_key) WHERE NOT pg_try_advisory_xact_lock({AdvisoryLockKeys.SourceRunNamespace}, s.lock_key)";

    private const string InsertAssetSql = """
        INSERT INTO assets (id, ticker, name, normalized_name, market_cap_usd, created_at, updated_at) VALUES ($1, $2, $3, $4, NULL, $5, $5)
        """;

    /// <summary>The split's keys ($2 sources, $3 ids) move from asset $4 to asset $1.</summary>
    private const string SplitMappingsSql = """
        UPDATE asset_sources m SET asset_id = $1, method = 'manual', confidence = 1
        FROM unnest($2::text[], $3::text[]) AS k(source, source_asset_id)
        WHERE m.source = k.source AND m.source_asset_id = k.source_asset_id AND m.asset_id = $4
        """;

    /// <summary>Their quotes follow in one statement, found through the old asset's quote index.</summary>
    private const string SplitQuotesSql = """
        WITH moved AS (
            UPDATE quotes q SET asset_id = $1
            FROM unnest($2::text[], $3::text[]) AS k(source, source_asset_id)
            WHERE q.asset_id = $4 AND q.source = k.source AND q.source_asset_id = k.source_asset_id
            RETURNING 1)
        SELECT count(*) FROM moved
        """;

    /// <summary>Both assets' market caps are the largest their own quotes show now.</summary>
    private const string RecountMarketCapsSql = """
        UPDATE assets a SET market_cap_usd = (SELECT max(q.market_cap_usd) FROM quotes q WHERE q.asset_id = a.id), updated_at = $3
        WHERE a.id IN ($1, $2)
        """;

    /// <summary>Every mapping of asset $2 moves onto asset $1.</summary>
    private const string MergeMappingsSql = "UPDATE asset_sources SET asset_id = $1, method = 'manual', confidence = 1 WHERE asset_id = $2";

    private const string MergeQuotesSql = """
        WITH moved AS (UPDATE quotes SET asset_id = $1 WHERE asset_id = $2 RETURNING 1)
        SELECT count(*) FROM moved
        """;

    /// <summary>The kept asset keeps its name (or takes the other's) and the larger market cap; the emptied one goes.</summary>
    private const string FoldAssetSql = """
        UPDATE assets a SET name = coalesce(a.name, f.name), normalized_name = coalesce(a.normalized_name, f.normalized_name),
                            market_cap_usd = greatest(a.market_cap_usd, f.market_cap_usd), updated_at = $3
        FROM assets f WHERE a.id = $1 AND f.id = $2
        """;

    private const string DeleteAssetSql = "DELETE FROM assets WHERE id = $1";

    private const string InsertDecisionSql = """
        INSERT INTO identity_decisions (what, asset_id, other_asset_id, before, after, method, confidence, who, reason, decided_at)
        VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, 'manual', 1, $6, $7, $8)
        RETURNING id
        """;

    public static async Task<CorrectionSnapshot> LoadAsync(
        WriteTransaction transaction, IReadOnlyCollection<Guid> assetIds, IReadOnlyCollection<SourceKey> keys, CancellationToken cancellationToken)
    {
        var ids = assetIds.ToArray();
        var sources = keys.Select(k => PgText.Clean(k.Source)).ToArray();
        var sourceIds = keys.Select(k => PgText.Clean(k.SourceAssetId)).ToArray();
        await using var batch = transaction.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(IdentityRows.LockIdentitySql));
        batch.BatchCommands.Add(Sql.Statement(AssetsSql, Sql.Values(ids), Sql.Values(sources), Sql.Values(sourceIds)));
        batch.BatchCommands.Add(Sql.Statement(MappingsSql, Sql.Values(ids), Sql.Values(sources), Sql.Values(sourceIds)));
        batch.BatchCommands.Add(Sql.Statement(CorrectionsSql, Sql.Values(ids)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);

        await reader.NextResultAsync(cancellationToken);
        var assets = new List<Asset>();
        while (await reader.ReadAsync(cancellationToken))
        {
            assets.Add(IdentityRows.ReadAsset(reader));
        }

        await reader.NextResultAsync(cancellationToken);
        var mappings = new List<MappedKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var mapping = IdentityRows.ReadMapping(reader);
            var latest = reader.IsDBNull(6)
                ? null
                : new LatestQuote(
                    reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7),
                    reader.GetDecimal(8),
                    reader.IsDBNull(9) ? null : reader.GetDecimal(9),
                    reader.GetFieldValue<DateTimeOffset>(10));
            mappings.Add(new MappedKey(mapping, latest));
        }

        await reader.NextResultAsync(cancellationToken);
        var corrections = new List<PastCorrection>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var kind = reader.GetString(1) == "split" ? CorrectionKind.Split : CorrectionKind.Merge;
            corrections.Add(new PastCorrection(reader.GetInt64(0), kind, reader.GetGuid(2), reader.GetGuid(3)));
        }

        return new CorrectionSnapshot(assets, mappings, corrections);
    }

    /// <summary>Takes the run locks of <paramref name="sources"/> for the transaction; returns those a run holds.</summary>
    public static async Task<IReadOnlyList<string>> HoldRunsAsync(WriteTransaction transaction, IReadOnlyList<string> sources, CancellationToken cancellationToken)
    {
        if (sources.Count == 0)
        {
            return [];
        }

        await using var batch = transaction.CreateBatch();
        batch.BatchCommands.Add(Sql.Statement(HoldRunsSql, Sql.Values(sources.ToArray()), Sql.Values(sources.Select(AdvisoryLockKeys.SourceKey).ToArray())));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var busy = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            busy.Add(reader.GetString(0));
        }

        return busy;
    }

    /// <summary>Moves the mappings and their quotes, fixes the assets, records the decision: its id and the quotes moved.</summary>
    public static async Task<(long DecisionId, long QuotesMoved)> ApplyAsync(
        WriteTransaction transaction, IdentityCorrection correction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        now = now.ToUniversalTime();
        var (kept, other) = (correction.AssetId, correction.OtherAssetId);
        long quotesMoved;
        if (correction.Kind == CorrectionKind.Split)
        {
            var created = correction.NewAsset ?? throw new ArgumentException("a split creates an asset", nameof(correction));
            var sources = correction.Moved.Select(k => PgText.Clean(k.Source)).ToArray();
            var ids = correction.Moved.Select(k => PgText.Clean(k.SourceAssetId)).ToArray();
            await ExecuteAsync(transaction, InsertAssetSql, [Sql.Value(created.Id), Sql.Value(PgText.Clean(created.Ticker.Value)),
                Sql.Value(PgText.CleanOrNull(created.Name)), Sql.Value(PgText.CleanOrNull(created.NormalizedName)), Sql.Value(now)], cancellationToken);
            await ExecuteAsync(transaction, SplitMappingsSql, [Sql.Value(other), Sql.Values(sources), Sql.Values(ids), Sql.Value(kept)], cancellationToken);
            quotesMoved = await ScalarAsync(transaction, SplitQuotesSql, [Sql.Value(other), Sql.Values(sources), Sql.Values(ids), Sql.Value(kept)], cancellationToken);
            await ExecuteAsync(transaction, RecountMarketCapsSql, [Sql.Value(kept), Sql.Value(other), Sql.Value(now)], cancellationToken);
        }
        else
        {
            await ExecuteAsync(transaction, MergeMappingsSql, [Sql.Value(kept), Sql.Value(other)], cancellationToken);
            quotesMoved = await ScalarAsync(transaction, MergeQuotesSql, [Sql.Value(kept), Sql.Value(other)], cancellationToken);
            await ExecuteAsync(transaction, FoldAssetSql, [Sql.Value(kept), Sql.Value(other), Sql.Value(now)], cancellationToken);
            await ExecuteAsync(transaction, DeleteAssetSql, [Sql.Value(other)], cancellationToken);
        }

        var decisionId = await ScalarAsync(
            transaction,
            InsertDecisionSql,
            [
                Sql.Value(correction.Kind == CorrectionKind.Split ? "split" : "merge"),
                Sql.Value(kept),
                Sql.Value(other),
                Sql.Value(Json(correction.Before)),
                Sql.Value(Json(correction.After)),
                Sql.Value(PgText.Clean(correction.Who)),
                Sql.Value(PgText.Clean(correction.Reason)),
                Sql.Value(now),
            ],
            cancellationToken);
        return (decisionId, quotesMoved);
    }

    /// <summary>The assets of a correction's before or after, as its record keeps them.</summary>
    private static string Json(IReadOnlyList<AssetState> states) =>
        new JsonArray([.. states.Select(s => (JsonNode)new JsonObject
        {
            ["asset_id"] = s.AssetId,
            ["ticker"] = s.Ticker,
            ["name"] = s.Name,
            ["mappings"] = new JsonArray([.. s.Mappings.Select(m => (JsonNode)new JsonObject
            {
                ["source"] = m.Key.Source,
                ["source_asset_id"] = m.Key.SourceAssetId,
                ["method"] = m.Method.ToText(),
                ["confidence"] = m.Confidence,
            })]),
        })]).ToJsonString();

    private static async Task ExecuteAsync(WriteTransaction transaction, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var batch = transaction.CreateBatch();
        batch.BatchCommands.Add(Sql.Statement(sql, parameters));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> ScalarAsync(WriteTransaction transaction, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var batch = transaction.CreateBatch();
        batch.BatchCommands.Add(Sql.Statement(sql, parameters));
        return (long)(await batch.ExecuteScalarAsync(cancellationToken))!;
    }
}
