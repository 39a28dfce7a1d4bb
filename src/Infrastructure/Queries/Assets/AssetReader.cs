using Ardalis.Specification;
using Kasparro.Application.Assets;
using Kasparro.Application.Assets.GetAssetHistory;
using Kasparro.Application.Assets.Ports;
using Kasparro.Infrastructure.Persistence;
using Kasparro.Infrastructure.Persistence.ReadModels;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Kasparro.Infrastructure.Queries.Assets;

/// <summary>
/// Assets. A page of assets is a specification run on EF Core over <c>assets</c> projected into
/// <see cref="AssetSummary"/>; its mappings and each mapping's newest quote follow for the whole page in one Npgsql batch.
/// Those and the history stay SQL: the newest quote is a one-row seek per mapping (<c>LATERAL ... ORDER BY observed_at
/// DESC LIMIT 1</c> under <c>DISTINCT ON</c>), which LINQ would turn into a window function over every quote of the asset,
/// and the history buckets are <c>date_bin</c> with ordered <c>array_agg</c>.
/// </summary>
public sealed class AssetReader(IDbContextFactory<KasparroDbContext> contexts, NpgsqlDataSource dataSource) : IAssetReader
{
    public async Task<IReadOnlyList<AssetRecord>> ListAsync(ISpecification<AssetSummary> specification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specification);
        List<AssetSummary> assets;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            assets = await Summaries(db).Apply(specification).ToListAsync(cancellationToken);
        }

        return await WithDetailsAsync(assets, cancellationToken);
    }

    public async Task<long> CountAsync(ISpecification<AssetSummary> specification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specification);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Summaries(db).Matching(specification).LongCountAsync(cancellationToken);
    }

    /// <summary>
    /// Written by hand rather than mapped: whether an asset is its ticker's primary one is a subquery over its namesakes.
    /// </summary>
    private static IQueryable<AssetSummary> Summaries(KasparroDbContext db) => db.Assets.Select(a => new AssetSummary
    {
        Id = a.Id,
        Ticker = a.Ticker,
        Name = a.Name,
        MarketCapUsd = PgFunctions.TrimScale(a.MarketCapUsd),
        // PrimaryFirst's order, spelled out: a method call inside the projection would not translate.
        Primary = db.Assets
            .Where(p => p.Ticker == a.Ticker)
            .OrderBy(p => p.MarketCapUsd == null).ThenByDescending(p => p.MarketCapUsd).ThenBy(p => p.CreatedAt).ThenBy(p => p.Id)
            .Select(p => p.Id)
            .First() == a.Id,
    });

    /// <summary>The primary asset of a ticker first: largest market cap, then the oldest, then the id (a total, stable order).</summary>
    private static IQueryable<AssetRow> PrimaryFirst(IQueryable<AssetRow> namesakes) =>
        namesakes.OrderBy(p => p.MarketCapUsd == null).ThenByDescending(p => p.MarketCapUsd).ThenBy(p => p.CreatedAt).ThenBy(p => p.Id);

    public async Task<IReadOnlyList<Guid>> FindByTickerAsync(string ticker, CancellationToken cancellationToken)
    {
        // An alias (XBT) finds its ticker (BTC), as ingestion would have unified it.
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var namesakes = db.Assets.Where(a => a.Ticker == (db.TickerAliases.Where(x => x.Alias == ticker).Select(x => x.Ticker).FirstOrDefault() ?? ticker));
        return await PrimaryFirst(namesakes).Select(a => a.Id).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<HistoryPoint>> ReadHistoryAsync(Guid assetId, HistorySelection selection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        await using var command = dataSource.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = assetId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = selection.Limit });
        var conditions = new List<string> { "asset_id = $1" };
        if (selection.Sources.Count > 0)
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. selection.Sources], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            conditions.Add($"source = ANY(${command.Parameters.Count})");
        }

        if (selection.From is { } from)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            conditions.Add($"observed_at >= ${command.Parameters.Count}");
        }

        if (selection.To is { } to)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            conditions.Add($"observed_at <= ${command.Parameters.Count}");
        }

        var where = string.Join(" AND ", conditions);
        if (selection.Bucket is { } bucket)
        {
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = bucket, NpgsqlDbType = NpgsqlDbType.Interval });

            // Buckets are aligned to a Monday midnight UTC, so days start at 00:00 UTC and weeks on Mondays.
            command.CommandText =
                $"SELECT source, date_bin(${command.Parameters.Count}, observed_at, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS bucket, "
                + "trim_scale((array_agg(price_usd ORDER BY observed_at))[1]), trim_scale(max(price_usd)), trim_scale(min(price_usd)), "
                + "trim_scale((array_agg(price_usd ORDER BY observed_at DESC))[1]), count(*)::int "
                + $"FROM quotes WHERE {where} GROUP BY source, bucket ORDER BY bucket, source LIMIT $2";
        }
        else
        {
            command.CommandText =
                $"SELECT source, observed_at, trim_scale(price_usd) AS price, trim_scale(price_usd), trim_scale(price_usd), trim_scale(price_usd), 1 FROM quotes WHERE {where} ORDER BY observed_at, source, source_asset_id LIMIT $2";
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var points = new List<HistoryPoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            points.Add(new HistoryPoint(
                reader.GetString(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetDecimal(2),
                reader.GetDecimal(3),
                reader.GetDecimal(4),
                reader.GetDecimal(5),
                reader.GetInt32(6)));
        }

        return points;
    }

    private async Task<IReadOnlyList<AssetRecord>> WithDetailsAsync(List<AssetSummary> assets, CancellationToken cancellationToken)
    {
        if (assets.Count == 0)
        {
            return [];
        }

        var ids = assets.Select(a => a.Id).ToArray();
        var mappings = new Dictionary<Guid, List<AssetMappingView>>();
        var latest = new Dictionary<Guid, List<LatestQuoteView>>();
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "SELECT asset_id, source, source_asset_id, method, trim_scale(confidence), created_at FROM asset_sources WHERE asset_id = ANY($1) ORDER BY asset_id, source, source_asset_id")
        {
            Parameters = { new NpgsqlParameter<Guid[]> { TypedValue = ids } },
        });

        // Each source's newest quote of the asset: the newest over its mappings, each found by reading the asset's
        // quotes newest first (ix_quotes_asset_id_observed_at) down to the first of that mapping (migration 0008 keeps
        // the planner on that plan).
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "SELECT DISTINCT ON (m.asset_id, m.source) m.asset_id, q.source, q.source_asset_id, trim_scale(q.price_usd), trim_scale(q.market_cap_usd), "
            + "trim_scale(q.volume_24h_usd), trim_scale(q.percent_change_24h), q.observed_at FROM asset_sources m "
            + "CROSS JOIN LATERAL (SELECT * FROM quotes q WHERE q.asset_id = m.asset_id AND q.source = m.source "
            + "AND q.source_asset_id = m.source_asset_id ORDER BY q.observed_at DESC LIMIT 1) q "
            + "WHERE m.asset_id = ANY($1) ORDER BY m.asset_id, m.source, q.observed_at DESC")
        {
            Parameters = { new NpgsqlParameter<Guid[]> { TypedValue = ids } },
        });

        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                Add(mappings, reader.GetGuid(0), new AssetMappingView(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetDecimal(4), reader.GetFieldValue<DateTimeOffset>(5)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                Add(latest, reader.GetGuid(0), new LatestQuoteView(
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetDecimal(3),
                    reader.IsDBNull(4) ? null : reader.GetDecimal(4),
                    reader.IsDBNull(5) ? null : reader.GetDecimal(5),
                    reader.IsDBNull(6) ? null : reader.GetDecimal(6),
                    reader.GetFieldValue<DateTimeOffset>(7)));
            }
        }

        return assets.Select(a => new AssetRecord(
            a.Id, a.Ticker, a.Name, a.MarketCapUsd, a.Primary,
            mappings.TryGetValue(a.Id, out var m) ? m : [],
            latest.TryGetValue(a.Id, out var l) ? l : [])).ToList();
    }

    private static void Add<T>(Dictionary<Guid, List<T>> map, Guid key, T item)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(item);
    }
}
