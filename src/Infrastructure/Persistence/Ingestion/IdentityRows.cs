using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Markets;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary>
/// Identity as stored: reads what a batch's keys and tickers need, and writes assets and mappings, each in one round
/// trip and each under the transaction-level advisory lock every source shares (decision 3).
/// </summary>
internal static class IdentityRows
{
    /// <summary>The identity lock: every identity decision and correction takes it first, and holds it to its commit.</summary>
    public static readonly string LockIdentitySql = $"SELECT pg_advisory_xact_lock({AdvisoryLockKeys.Identity})";

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

    /// <summary>
    /// The assets a decision may join ($3: the batch's tickers; and those of its mapped keys), and the catalog ids they
    /// hold: the resolver never joins a key to an asset holding another id of its catalog, nor to one whose ids the
    /// crosswalk makes another coin. The tickers are a hashed semi-join, never <c>= ANY($3)</c>: on a table not yet
    /// analyzed (a first load) the planner would test each asset against the whole array, thousands of comparisons per row.
    /// </summary>
    private const string SnapshotAssetsCte = $"""
        ,
        snapshot_assets AS (
            SELECT a.id FROM assets a WHERE a.ticker IN (SELECT unnest($3::text[]))
            UNION
            SELECT m.asset_id FROM wanted w JOIN asset_sources m USING (source, source_asset_id)),
        held AS (
            SELECT m.source, m.source_asset_id, m.asset_id, m.method, m.confidence, m.created_at
            FROM asset_sources m
            WHERE m.asset_id IN (SELECT id FROM snapshot_assets) AND m.source IN ({CatalogSources}))
        """;

    private const string CatalogSources = "'coinpaprika', 'coingecko'";

    private const string CrosswalkSql = $"""
        {WantedKeysCte}{SnapshotAssetsCte}
        SELECT c.canonical_key, c.source, c.source_asset_id
        FROM asset_crosswalk c
        WHERE c.canonical_key IN (
            SELECT x.canonical_key
            FROM (SELECT source, source_asset_id FROM k UNION SELECT source, source_asset_id FROM held) AS h
            JOIN asset_crosswalk x USING (source, source_asset_id))
        """;

    private const string MappingsSql = $"""
        {WantedKeysCte}{SnapshotAssetsCte}
        SELECT m.source, m.source_asset_id, m.asset_id, m.method, m.confidence, m.created_at
        FROM wanted w JOIN asset_sources m USING (source, source_asset_id)
        UNION
        SELECT source, source_asset_id, asset_id, method, confidence, created_at FROM held
        """;

    /// <summary>The assets of the batch's tickers ($3) and of its mapped keys.</summary>
    private const string AssetsSql = $"""
        {WantedKeysCte}
        SELECT a.id, a.ticker, a.name, a.market_cap_usd, a.created_at FROM assets a WHERE a.ticker IN (SELECT unnest($3::text[]))
        UNION
        SELECT a.id, a.ticker, a.name, a.market_cap_usd, a.created_at
        FROM assets a
        WHERE a.id IN (SELECT m.asset_id FROM wanted w JOIN asset_sources m USING (source, source_asset_id))
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

    /// <summary>
    /// Mapping decisions are stable: the first one stored wins. Each mapping stored is recorded in
    /// <c>identity_decisions</c> with its evidence ($7-$12), in the same statement.
    /// </summary>
    private const string InsertMappingsSql = """
        WITH u AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::numeric[], $6::timestamptz[],
                                 $7::text[], $8::text[], $9::numeric[], $10::text[], $11::numeric[], $12::text[])
                AS u(source, source_asset_id, asset_id, method, confidence, created_at,
                     ticker, name, market_cap_usd, matched_name, matched_market_cap_usd, reason)),
        inserted AS (
            INSERT INTO asset_sources (source, source_asset_id, asset_id, method, confidence, created_at)
            SELECT source, source_asset_id, asset_id, method, confidence, created_at FROM u
            ON CONFLICT (source, source_asset_id) DO NOTHING
            RETURNING source, source_asset_id)
        INSERT INTO identity_decisions (what, asset_id, source, source_asset_id, after, method, confidence, who, reason, decided_at)
        SELECT 'map', u.asset_id, u.source, u.source_asset_id,
               jsonb_strip_nulls(jsonb_build_object(
                   'asset_id', u.asset_id, 'method', u.method, 'confidence', u.confidence, 'ticker', u.ticker, 'name', u.name,
                   'market_cap_usd', u.market_cap_usd, 'matched_name', u.matched_name, 'matched_market_cap_usd', u.matched_market_cap_usd)),
               u.method, u.confidence, 'resolver', coalesce(u.reason, 'mapped by ' || u.method), u.created_at
        FROM inserted i JOIN u USING (source, source_asset_id)
        """;

    /// <summary>The newest correction's record (<see cref="IIdentityStore.LastCorrectionAsync"/>), from the corrections' own index.</summary>
    public const string LastCorrectionSql = "SELECT coalesce(max(id), 0) FROM identity_decisions WHERE what <> 'map'";

    /// <summary>
    /// Takes the identity lock, then reads the mappings, crosswalk rows and candidate assets of
    /// <paramref name="keys"/> and <paramref name="tickers"/>. The lock comes first in the round trip: the reads after
    /// it take their READ COMMITTED snapshots once it is held, so they see every decision committed before.
    /// </summary>
    public static async Task<IdentitySnapshot> LoadAsync(
        WriteTransaction transaction, IReadOnlyCollection<SourceKey> keys, IReadOnlyCollection<string> tickers, CancellationToken cancellationToken)
    {
        if (keys.Count == 0 && tickers.Count == 0)
        {
            return new IdentitySnapshot([], [], []);
        }

        var sources = keys.Select(k => PgText.Clean(k.Source)).ToArray();
        var ids = keys.Select(k => PgText.Clean(k.SourceAssetId)).ToArray();
        var tickerArray = tickers.Select(PgText.Clean).ToArray();
        await using var batch = transaction.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(LockIdentitySql));
        batch.BatchCommands.Add(Sql.Statement(CrosswalkSql, Sql.Values(sources), Sql.Values(ids), Sql.Values(tickerArray)));
        batch.BatchCommands.Add(Sql.Statement(MappingsSql, Sql.Values(sources), Sql.Values(ids), Sql.Values(tickerArray)));
        batch.BatchCommands.Add(Sql.Statement(AssetsSql, Sql.Values(sources), Sql.Values(ids), Sql.Values(tickerArray)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);

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
            mappings.Add(ReadMapping(reader));
        }

        await reader.NextResultAsync(cancellationToken);
        var assets = new List<Asset>();
        while (await reader.ReadAsync(cancellationToken))
        {
            assets.Add(ReadAsset(reader));
        }

        return new IdentitySnapshot(assets, mappings, crosswalk);
    }

    /// <summary>A mapping from columns (source, source_asset_id, asset_id, method, confidence, created_at).</summary>
    public static AssetSourceMapping ReadMapping(NpgsqlDataReader reader) =>
        new(
            new SourceKey(reader.GetString(0), reader.GetString(1)),
            reader.GetGuid(2),
            MappingMethods.Parse(reader.GetString(3)),
            reader.GetDecimal(4),
            reader.GetFieldValue<DateTimeOffset>(5));

    /// <summary>An asset from columns (id, ticker, name, market_cap_usd, created_at).</summary>
    public static Asset ReadAsset(NpgsqlDataReader reader) =>
        new(
            reader.GetGuid(0),
            Ticker.FromStored(reader.GetString(1)),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetDecimal(3),
            reader.GetFieldValue<DateTimeOffset>(4));

    /// <summary>
    /// Writes assets (new, or what they learned) and new mappings, after them, which refer to them, each with its
    /// decision record (from <paramref name="evidence"/> when given). Under the identity lock, taken again when
    /// <see cref="LoadAsync"/> took it already (it counts, and costs nothing more).
    /// </summary>
    public static async Task StoreAsync(
        WriteTransaction transaction,
        IReadOnlyCollection<Asset> assets,
        IReadOnlyCollection<AssetSourceMapping> mappings,
        IReadOnlyDictionary<SourceKey, MappingEvidence>? evidence,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (assets.Count == 0 && mappings.Count == 0)
        {
            return;
        }

        await using var batch = transaction.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(LockIdentitySql));
        if (assets.Count > 0)
        {
            batch.BatchCommands.Add(AssetsCommand(assets, now.ToUniversalTime()));
        }

        if (mappings.Count > 0)
        {
            batch.BatchCommands.Add(MappingsCommand(mappings, evidence ?? new Dictionary<SourceKey, MappingEvidence>()));
        }

        batch.BatchCommands.Add(Changes.DataVersionSql.Bump());
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand AssetsCommand(IReadOnlyCollection<Asset> assets, DateTimeOffset now)
    {
        var unique = assets.DistinctBy(a => a.Id).ToList();
        return Sql.Statement(
            UpsertAssetsSql,
            Sql.Values(unique.Select(a => a.Id).ToArray()),
            Sql.Values(unique.Select(a => PgText.Clean(a.Ticker.Value)).ToArray()),
            Sql.Values(unique.Select(a => PgText.CleanOrNull(a.Name)).ToArray()),
            Sql.Values(unique.Select(a => PgText.CleanOrNull(a.NormalizedName)).ToArray()),
            Sql.Values(unique.Select(a => a.MarketCapUsd).ToArray()),
            Sql.Values(unique.Select(a => a.CreatedAt.ToUniversalTime()).ToArray()),
            Sql.Value(now));
    }

    private static NpgsqlBatchCommand MappingsCommand(IReadOnlyCollection<AssetSourceMapping> mappings, IReadOnlyDictionary<SourceKey, MappingEvidence> evidence)
    {
        var found = mappings.Select(m => evidence.GetValueOrDefault(m.Key)).ToArray();
        return Sql.Statement(
            InsertMappingsSql,
            Sql.Values(mappings.Select(m => PgText.Clean(m.Key.Source)).ToArray()),
            Sql.Values(mappings.Select(m => PgText.Clean(m.Key.SourceAssetId)).ToArray()),
            Sql.Values(mappings.Select(m => m.AssetId).ToArray()),
            Sql.Values(mappings.Select(m => m.Method.ToText()).ToArray()),
            Sql.Values(mappings.Select(m => Math.Clamp(m.Confidence, 0m, 1m)).ToArray()),
            Sql.Values(mappings.Select(m => m.CreatedAt.ToUniversalTime()).ToArray()),
            Sql.Values(found.Select(e => PgText.CleanOrNull(e?.Ticker)).ToArray()),
            Sql.Values(found.Select(e => PgText.CleanOrNull(e?.Name)).ToArray()),
            Sql.Values(found.Select(e => e?.MarketCapUsd).ToArray()),
            Sql.Values(found.Select(e => PgText.CleanOrNull(e?.MatchedName)).ToArray()),
            Sql.Values(found.Select(e => e?.MatchedMarketCapUsd).ToArray()),
            Sql.Values(found.Select(e => PgText.CleanOrNull(e?.Reason)).ToArray()));
    }
}
