using System.Text;
using Kasparro.Application.Quotes;
using Kasparro.Application.Quotes.Specifications;
using Npgsql;
using NpgsqlTypes;

namespace Kasparro.Infrastructure.Queries.Quotes;

/// <summary>
/// The one SQL statement a <see cref="QuotePageSpecification"/> means, written from its filter, sort, page and position.
/// The text depends only on the shape of the request (which filters, which sort, cursor or not), never on its values,
/// which travel as parameters: so there are few distinct statements, and Npgsql's auto-prepare keeps each one prepared
/// per connection. An integration test holds its rows equal to EF Core's evaluation of the same specification.
/// </summary>
/// <remarks>
/// Every order ends with the primary key's columns (source, source_asset_id, observed_at), so it is total and a keyset
/// position is exact. All its columns run the same direction, which lets the keyset test be one row comparison that a
/// B-tree can seek to. <c>market_cap_usd</c> may be NULL; NULLs come last in both directions.
/// </remarks>
internal static class QuoteSql
{
    /// <summary>
    /// The page's columns. Amounts come through <c>trim_scale</c>, so a price stored as 87000.000000000000000000 in its
    /// numeric(38,18) column reads as 87000: the server drops the padding once per value instead of the app dividing
    /// every decimal. The aliases differ from the column names so that an ORDER BY names the indexed column.
    /// </summary>
    public const string Columns =
        "asset_id, ticker, name, source, source_asset_id, trim_scale(price_usd) AS price, trim_scale(market_cap_usd) AS market_cap, "
        + "trim_scale(volume_24h_usd) AS volume_24h, trim_scale(percent_change_24h) AS percent_change, observed_at, ingested_at";

    public static NpgsqlCommand PageCommand(NpgsqlDataSource dataSource, QuotePageSpecification specification)
    {
        var command = dataSource.CreateCommand();
        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM quotes");
        var conditions = FilterConditions(command, specification.Filter);
        if (specification.Position is { } after)
        {
            conditions.Add(KeysetCondition(command, specification.Sort, after));
        }

        AppendWhere(sql, conditions);
        var direction = specification.Sort.Descending ? " DESC" : string.Empty;
        var sortColumn = specification.Sort.Field switch
        {
            QuoteSortField.PriceUsd => "price_usd",
            QuoteSortField.MarketCapUsd => "market_cap_usd",
            QuoteSortField.Ticker => "ticker",
            _ => null,
        };
        sql.Append(" ORDER BY ");
        if (sortColumn is not null)
        {
            sql.Append(sortColumn).Append(direction);
            if (specification.Sort.Field == QuoteSortField.MarketCapUsd)
            {
                sql.Append(" NULLS LAST");
            }

            sql.Append(", ");
        }

        // observed_at leads the default order; otherwise it is the key's last column.
        sql.Append(sortColumn is null
            ? $"observed_at{direction}, source{direction}, source_asset_id{direction}"
            : $"source{direction}, source_asset_id{direction}, observed_at{direction}");

        // One row more than asked: its presence says a next page exists, without a count. LIMIT and OFFSET are written
        // as numbers (validated integers, never text from the request): as parameters they would leave PostgreSQL's
        // plan cache unable to settle on a generic plan, and it would plan the statement again on every execution.
        sql.Append(" LIMIT ").Append((specification.Limit + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (specification.Position is null && specification.Offset > 0)
        {
            sql.Append(" OFFSET ").Append(specification.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        command.CommandText = sql.ToString();
        return command;
    }

    public static NpgsqlCommand CountCommand(NpgsqlDataSource dataSource, QuoteFilter filter, int cap)
    {
        var command = dataSource.CreateCommand();
        var sql = new StringBuilder("SELECT count(*) FROM (SELECT 1 FROM quotes");
        AppendWhere(sql, FilterConditions(command, filter));
        sql.Append(" LIMIT ").Append(Add(command, cap + 1, NpgsqlDbType.Integer)).Append(") capped");
        command.CommandText = sql.ToString();
        return command;
    }

    private static List<string> FilterConditions(NpgsqlCommand command, QuoteFilter filter)
    {
        var conditions = new List<string>();
        switch (filter.Tickers.Count)
        {
            case 0:
                break;
            case 1:
                conditions.Add("ticker = " + Add(command, filter.Tickers[0], NpgsqlDbType.Text));
                break;
            default:
                conditions.Add("ticker = ANY(" + Add(command, filter.Tickers.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text) + ")");
                break;
        }

        if (filter.AssetId is { } assetId)
        {
            conditions.Add("asset_id = " + Add(command, assetId, NpgsqlDbType.Uuid));
        }

        switch (filter.Sources.Count)
        {
            case 0:
                break;
            case 1:
                conditions.Add("source = " + Add(command, filter.Sources[0], NpgsqlDbType.Text));
                break;
            default:
                conditions.Add("source = ANY(" + Add(command, filter.Sources.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text) + ")");
                break;
        }

        if (filter.From is { } from)
        {
            conditions.Add("observed_at >= " + Add(command, from, NpgsqlDbType.TimestampTz));
        }

        if (filter.To is { } to)
        {
            conditions.Add("observed_at <= " + Add(command, to, NpgsqlDbType.TimestampTz));
        }

        return conditions;
    }

    private static string KeysetCondition(NpgsqlCommand command, QuoteSort sort, QuotePosition after)
    {
        var op = sort.Descending ? "<" : ">";
        var source = Add(command, after.Source, NpgsqlDbType.Text);
        var sourceAssetId = Add(command, after.SourceAssetId, NpgsqlDbType.Text);
        var observedAt = Add(command, after.ObservedAt, NpgsqlDbType.TimestampTz);
        var key = $"{source}, {sourceAssetId}, {observedAt}";
        return sort.Field switch
        {
            QuoteSortField.ObservedAt => $"(observed_at, source, source_asset_id) {op} ({observedAt}, {source}, {sourceAssetId})",
            QuoteSortField.PriceUsd => $"(price_usd, source, source_asset_id, observed_at) {op} ({Add(command, after.Value.Number!.Value, NpgsqlDbType.Numeric)}, {key})",
            QuoteSortField.Ticker => $"(ticker, source, source_asset_id, observed_at) {op} ({Add(command, after.Value.Text!, NpgsqlDbType.Text)}, {key})",

            // NULLS LAST: after a NULL only NULLs follow; after a value, the larger/smaller values and then every NULL.
            _ => after.Value.Number is { } cap
                ? $"(market_cap_usd IS NULL OR (market_cap_usd, source, source_asset_id, observed_at) {op} ({Add(command, cap, NpgsqlDbType.Numeric)}, {key}))"
                : $"(market_cap_usd IS NULL AND (source, source_asset_id, observed_at) {op} ({key}))",
        };
    }

    private static void AppendWhere(StringBuilder sql, List<string> conditions)
    {
        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }
    }

    private static string Add<T>(NpgsqlCommand command, T value, NpgsqlDbType type)
    {
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value, NpgsqlDbType = type });
        return "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
