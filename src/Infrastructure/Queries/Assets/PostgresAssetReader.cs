using Kasparro.Application.Assets;
using Kasparro.Application.Assets.GetAssetHistory;
using Kasparro.Application.Assets.Ports;
using Kasparro.Infrastructure.Queries.Quotes;
using Npgsql;
using NpgsqlTypes;

namespace Kasparro.Infrastructure.Queries.Assets;

/// <summary>
/// Assets on Npgsql: a page of assets in one statement, then their mappings and each mapping's newest quote (a
/// primary-key seek per mapping) for the whole page in one batch. Two round trips however long the page is.
/// </summary>
public sealed class PostgresAssetReader(NpgsqlDataSource dataSource) : IAssetReader
{
    // The primary asset of a ticker: largest market cap, then the oldest, then the id (a total order, so it is stable).
    private const string PrimaryOrder = "market_cap_usd DESC NULLS LAST, created_at, id";

    private const string AssetColumns =
        $"a.id, a.ticker, a.name, a.market_cap_usd, a.id = (SELECT p.id FROM assets p WHERE p.ticker = a.ticker ORDER BY {PrimaryOrder} LIMIT 1)";

    public async Task<IReadOnlyList<AssetRecord>> ListAsync(IReadOnlyList<string> tickers, int limit, int offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tickers);
        await using var command = dataSource.CreateCommand(
            $"SELECT {AssetColumns} FROM assets a {(tickers.Count > 0 ? "WHERE a.ticker = ANY($3)" : string.Empty)} "
            + "ORDER BY a.market_cap_usd DESC NULLS LAST, a.ticker, a.id LIMIT $1 OFFSET $2");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = offset });
        if (tickers.Count > 0)
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. tickers], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }

        return await ReadWithDetailsAsync(command, cancellationToken);
    }

    public async Task<long> CountAsync(IReadOnlyList<string> tickers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tickers);
        await using var command = dataSource.CreateCommand(tickers.Count > 0 ? "SELECT count(*) FROM assets WHERE ticker = ANY($1)" : "SELECT count(*) FROM assets");
        if (tickers.Count > 0)
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. tickers], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }

        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<AssetRecord?> FindByIdAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {AssetColumns} FROM assets a WHERE a.id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        var records = await ReadWithDetailsAsync(command, cancellationToken);
        return records.Count > 0 ? records[0] : null;
    }

    public async Task<IReadOnlyList<Guid>> FindByTickerAsync(string ticker, CancellationToken cancellationToken)
    {
        // An alias (XBT) finds its ticker (BTC), as ingestion would have unified it.
        await using var command = dataSource.CreateCommand(
            $"SELECT id FROM assets WHERE ticker = coalesce((SELECT ticker FROM ticker_aliases WHERE alias = $1), $1) ORDER BY {PrimaryOrder}");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ticker });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    public async Task<IReadOnlyList<HistoryPoint>> ReadHistoryAsync(Guid assetId, HistorySpecification specification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specification);
        await using var command = dataSource.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = assetId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = specification.Limit });
        var conditions = new List<string> { "asset_id = $1" };
        if (specification.Sources.Count > 0)
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. specification.Sources], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            conditions.Add($"source = ANY(${command.Parameters.Count})");
        }

        if (specification.From is { } from)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            conditions.Add($"observed_at >= ${command.Parameters.Count}");
        }

        if (specification.To is { } to)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            conditions.Add($"observed_at <= ${command.Parameters.Count}");
        }

        var where = string.Join(" AND ", conditions);
        if (specification.Bucket is { } bucket)
        {
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = bucket, NpgsqlDbType = NpgsqlDbType.Interval });

            // Buckets are aligned to a Monday midnight UTC, so days start at 00:00 UTC and weeks on Mondays.
            command.CommandText =
                $"SELECT source, date_bin(${command.Parameters.Count}, observed_at, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS bucket, "
                + "(array_agg(price_usd ORDER BY observed_at))[1], max(price_usd), min(price_usd), "
                + "(array_agg(price_usd ORDER BY observed_at DESC))[1], count(*)::int "
                + $"FROM quotes WHERE {where} GROUP BY source, bucket ORDER BY bucket, source LIMIT $2";
        }
        else
        {
            command.CommandText =
                $"SELECT source, observed_at, price_usd, price_usd, price_usd, price_usd, 1 FROM quotes WHERE {where} ORDER BY observed_at, source, source_asset_id LIMIT $2";
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var points = new List<HistoryPoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            points.Add(new HistoryPoint(
                reader.GetString(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                PostgresQuoteReader.Exact(reader.GetDecimal(2)),
                PostgresQuoteReader.Exact(reader.GetDecimal(3)),
                PostgresQuoteReader.Exact(reader.GetDecimal(4)),
                PostgresQuoteReader.Exact(reader.GetDecimal(5)),
                reader.GetInt32(6)));
        }

        return points;
    }

    private async Task<IReadOnlyList<AssetRecord>> ReadWithDetailsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var assets = new List<(Guid Id, string Ticker, string? Name, decimal? Cap, bool Primary)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                assets.Add((
                    reader.GetGuid(0),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : PostgresQuoteReader.Exact(reader.GetDecimal(3)),
                    !reader.IsDBNull(4) && reader.GetBoolean(4)));
            }
        }

        if (assets.Count == 0)
        {
            return [];
        }

        var ids = assets.Select(a => a.Id).ToArray();
        var mappings = new Dictionary<Guid, List<AssetMappingView>>();
        var latest = new Dictionary<Guid, List<LatestQuoteView>>();
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "SELECT asset_id, source, source_asset_id, method, confidence, created_at FROM asset_sources WHERE asset_id = ANY($1) ORDER BY asset_id, source, source_asset_id")
        {
            Parameters = { new NpgsqlParameter<Guid[]> { TypedValue = ids } },
        });

        // Each source's newest quote of the asset: the newest over its mappings, each found by reading the asset's
        // quotes newest first (ix_quotes_asset_id_observed_at) down to the first of that mapping (migration 0008 keeps
        // the planner on that plan).
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "SELECT DISTINCT ON (m.asset_id, m.source) m.asset_id, q.source, q.source_asset_id, q.price_usd, q.market_cap_usd, "
            + "q.volume_24h_usd, q.percent_change_24h, q.observed_at FROM asset_sources m "
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
                Add(mappings, reader.GetGuid(0), new AssetMappingView(reader.GetString(1), reader.GetString(2), reader.GetString(3), PostgresQuoteReader.Exact(reader.GetDecimal(4)), reader.GetFieldValue<DateTimeOffset>(5)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                Add(latest, reader.GetGuid(0), new LatestQuoteView(
                    reader.GetString(1),
                    reader.GetString(2),
                    PostgresQuoteReader.Exact(reader.GetDecimal(3)),
                    reader.IsDBNull(4) ? null : PostgresQuoteReader.Exact(reader.GetDecimal(4)),
                    reader.IsDBNull(5) ? null : PostgresQuoteReader.Exact(reader.GetDecimal(5)),
                    reader.IsDBNull(6) ? null : PostgresQuoteReader.Exact(reader.GetDecimal(6)),
                    reader.GetFieldValue<DateTimeOffset>(7)));
            }
        }

        return assets.Select(a => new AssetRecord(
            a.Id, a.Ticker, a.Name, a.Cap, a.Primary,
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
