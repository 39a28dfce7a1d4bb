using System.Text.Json;
using Kasparro.Application.Assets;
using Kasparro.Application.Identity;
using Kasparro.Application.Identity.Ports;
using Npgsql;

namespace Kasparro.Infrastructure.Queries.Identity;

/// <summary>
/// The identity review and the decision records, in SQL on Npgsql: each list is one statement, and every mapping's
/// newest quote is a one-row seek on its asset's quote index (<c>LATERAL ... ORDER BY observed_at DESC LIMIT 1</c>).
/// </summary>
public sealed class IdentityReviewReader(NpgsqlDataSource dataSource) : IIdentityReviewReader
{
    /// <summary>A mapping with its asset and newest quote, as <see cref="ReadMapping"/> reads it (12 columns).</summary>
    private const string MappingColumns = """
        m.asset_id, a.ticker, a.name, trim_scale(a.market_cap_usd), m.source, m.source_asset_id, m.method, trim_scale(m.confidence),
        q.name, trim_scale(q.price_usd), trim_scale(q.market_cap_usd), q.observed_at
        """;

    private const string LatestQuote = """
        LEFT JOIN LATERAL (
            SELECT q.name, q.price_usd, q.market_cap_usd, q.observed_at FROM quotes q
            WHERE q.asset_id = m.asset_id AND q.source = m.source AND q.source_asset_id = m.source_asset_id
            ORDER BY q.observed_at DESC LIMIT 1) q ON true
        """;

    private const string LowConfidenceSql = $"""
        SELECT {MappingColumns}
        FROM asset_sources m JOIN assets a ON a.id = m.asset_id
        {LatestQuote}
        WHERE m.confidence < $1
        ORDER BY m.confidence, m.source, m.source_asset_id
        LIMIT $2
        """;

    /// <summary>The shared tickers, the one with the largest market cap first, each asset with every mapping.</summary>
    private const string SharedTickersSql = $"""
        WITH shared AS (
            SELECT ticker, max(market_cap_usd) AS largest FROM assets GROUP BY ticker HAVING count(*) > 1
            ORDER BY largest DESC NULLS LAST, ticker LIMIT $1)
        SELECT {MappingColumns}
        FROM shared s JOIN assets a USING (ticker) JOIN asset_sources m ON m.asset_id = a.id
        {LatestQuote}
        ORDER BY s.largest DESC NULLS LAST, a.ticker, a.market_cap_usd DESC NULLS LAST, a.id, m.source, m.source_asset_id
        """;

    /// <summary>
    /// Per asset, the newest quote of each mapping within the consensus window ($3) of the asset's newest; the assets
    /// where the highest price over the lowest exceeds $1, widest first.
    /// </summary>
    private const string PriceDisagreementsSql = $"""
        WITH latest AS (
            SELECT m.asset_id, a.ticker, a.name AS asset_name, a.market_cap_usd AS asset_market_cap_usd, m.source, m.source_asset_id,
                   m.method, m.confidence, q.name, q.price_usd, q.market_cap_usd, q.observed_at,
                   max(q.observed_at) OVER (PARTITION BY m.asset_id) AS newest
            FROM asset_sources m JOIN assets a ON a.id = m.asset_id
            {LatestQuote}
            WHERE q.observed_at IS NOT NULL),
        used AS (SELECT * FROM latest WHERE newest - observed_at <= $3),
        spread AS (
            SELECT asset_id, trim_scale(round(max(price_usd) / min(price_usd), 4)) AS factor FROM used
            GROUP BY asset_id HAVING count(*) > 1 AND max(price_usd) > min(price_usd) * $1
            ORDER BY factor DESC, asset_id LIMIT $2)
        SELECT s.factor, u.asset_id, u.ticker, u.asset_name, trim_scale(u.asset_market_cap_usd), u.source, u.source_asset_id, u.method,
               trim_scale(u.confidence), u.name, trim_scale(u.price_usd), trim_scale(u.market_cap_usd), u.observed_at
        FROM spread s JOIN used u USING (asset_id)
        ORDER BY s.factor DESC, s.asset_id, u.source, u.source_asset_id
        """;

    private const string DecisionsSql = """
        SELECT id, what, asset_id, other_asset_id, source, source_asset_id, method, trim_scale(confidence), before::text, after::text, who, reason, decided_at
        FROM identity_decisions WHERE asset_id = $1 OR other_asset_id = $1
        ORDER BY id DESC LIMIT $2
        """;

    public Task<IReadOnlyList<ReviewedMapping>> LowConfidenceAsync(decimal below, int limit, CancellationToken cancellationToken) =>
        ReadAsync(LowConfidenceSql, [new NpgsqlParameter<decimal> { TypedValue = below }, new NpgsqlParameter<int> { TypedValue = limit }], r => ReadMapping(r, 0), cancellationToken);

    public async Task<IReadOnlyList<SharedTicker>> SharedTickersAsync(int limit, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync(SharedTickersSql, [new NpgsqlParameter<int> { TypedValue = limit }], r => ReadMapping(r, 0), cancellationToken);
        return
        [
            .. rows.GroupBy(m => m.Ticker, StringComparer.Ordinal).Select(ticker => new SharedTicker(
                ticker.Key,
                [.. ticker.GroupBy(m => m.AssetId).Select(asset => new ReviewedAsset(asset.Key, asset.First().AssetName, asset.First().AssetMarketCapUsd, [.. asset]))])),
        ];
    }

    public async Task<IReadOnlyList<PriceDisagreement>> PriceDisagreementsAsync(decimal factor, int limit, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync(
            PriceDisagreementsSql,
            [new NpgsqlParameter<decimal> { TypedValue = factor }, new NpgsqlParameter<int> { TypedValue = limit }, new NpgsqlParameter<TimeSpan> { TypedValue = AssetConsensus.Window }],
            r => (Factor: r.GetDecimal(0), Mapping: ReadMapping(r, 1)),
            cancellationToken);
        return
        [
            .. rows.GroupBy(r => r.Mapping.AssetId).Select(asset =>
            {
                var first = asset.First();
                return new PriceDisagreement(asset.Key, first.Mapping.Ticker, first.Mapping.AssetName, first.Factor, [.. asset.Select(r => r.Mapping)]);
            }),
        ];
    }

    public Task<IReadOnlyList<IdentityDecisionView>> DecisionsAsync(Guid assetId, int limit, CancellationToken cancellationToken) =>
        ReadAsync(
            DecisionsSql,
            [new NpgsqlParameter<Guid> { TypedValue = assetId }, new NpgsqlParameter<int> { TypedValue = limit }],
            r => new IdentityDecisionView(
                r.GetInt64(0),
                r.GetString(1),
                r.GetGuid(2),
                r.IsDBNull(3) ? null : r.GetGuid(3),
                r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5),
                r.GetString(6),
                r.IsDBNull(7) ? null : r.GetDecimal(7),
                r.IsDBNull(8) ? null : Json(r.GetString(8)),
                Json(r.GetString(9)),
                r.GetString(10),
                r.GetString(11),
                r.GetFieldValue<DateTimeOffset>(12)),
            cancellationToken);

    public async Task<bool> AssetExistsAsync(Guid assetId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM assets WHERE id = $1)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = assetId });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static ReviewedMapping ReadMapping(NpgsqlDataReader r, int at) =>
        new(
            r.GetGuid(at),
            r.GetString(at + 1),
            r.IsDBNull(at + 2) ? null : r.GetString(at + 2),
            r.IsDBNull(at + 3) ? null : r.GetDecimal(at + 3),
            r.GetString(at + 4),
            r.GetString(at + 5),
            r.GetString(at + 6),
            r.GetDecimal(at + 7),
            r.IsDBNull(at + 8) ? null : r.GetString(at + 8),
            r.IsDBNull(at + 9) ? null : r.GetDecimal(at + 9),
            r.IsDBNull(at + 10) ? null : r.GetDecimal(at + 10),
            r.IsDBNull(at + 11) ? null : r.GetFieldValue<DateTimeOffset>(at + 11));

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private async Task<IReadOnlyList<T>> ReadAsync<T>(string sql, NpgsqlParameter[] parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
