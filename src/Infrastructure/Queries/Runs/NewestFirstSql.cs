using System.Globalization;
using Kasparro.Application.Runs;
using Kasparro.Application.Runs.Ports;
using Npgsql;
using NpgsqlTypes;

namespace Kasparro.Infrastructure.Queries.Runs;

/// <summary>
/// The newest-first lists (<c>etl_runs</c>, <c>schema_drift_events</c>): ordered by (timestamp DESC, id DESC), a page
/// after a keyset position is one row comparison, and the capped count travels in the same batch as the page.
/// </summary>
internal static class NewestFirstSql
{
    /// <summary>Adds a positional parameter and returns its placeholder (<c>$n</c>).</summary>
    public static string Add<T>(NpgsqlBatchCommand command, T value, NpgsqlDbType type)
    {
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value, NpgsqlDbType = type });
        return "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Runs a newest-first page statement and its capped count in one round trip: the page's rows through
    /// <paramref name="read"/>, then <c>count(*)</c> over at most <see cref="NewestFirstPage.MaxOffset"/> + 1 matching rows.
    /// </summary>
    public static async Task<PageRows<T>> ReadPageAsync<T>(
        NpgsqlDataSource dataSource,
        NewestFirstPage page,
        string table,
        string columns,
        string timeColumn,
        NpgsqlDbType keyType,
        object? after,
        Func<NpgsqlDataReader, T> read,
        CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();

        var rows = new NpgsqlBatchCommand();
        var conditions = new List<string>();
        if (page.Sources.Count > 0)
        {
            conditions.Add("source = ANY(" + Add(rows, page.Sources.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text) + ")");
        }

        if (page.After is { } position)
        {
            var at = Add(rows, position.At, NpgsqlDbType.TimestampTz);
            var key = rows.Parameters.Count + 1;
            rows.Parameters.Add(new NpgsqlParameter { Value = after, NpgsqlDbType = keyType });
            conditions.Add($"({timeColumn}, id) < ({at}, ${key.ToString(CultureInfo.InvariantCulture)})");
        }

        var where = conditions.Count > 0 ? " WHERE " + string.Join(" AND ", conditions) : string.Empty;
        var limit = Add(rows, page.Limit + 1, NpgsqlDbType.Integer);
        var offset = page.After is null && page.Offset > 0 ? " OFFSET " + Add(rows, page.Offset, NpgsqlDbType.Integer) : string.Empty;
        rows.CommandText = $"SELECT {columns} FROM {table}{where} ORDER BY {timeColumn} DESC, id DESC LIMIT {limit}{offset}";
        batch.BatchCommands.Add(rows);

        var count = new NpgsqlBatchCommand();
        var countWhere = page.Sources.Count > 0
            ? " WHERE source = ANY(" + Add(count, page.Sources.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text) + ")"
            : string.Empty;
        count.CommandText = $"SELECT count(*) FROM (SELECT 1 FROM {table}{countWhere} LIMIT {Add(count, NewestFirstPage.MaxOffset + 1, NpgsqlDbType.Integer)}) capped";
        batch.BatchCommands.Add(count);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var result = new List<T>(page.Limit + 1);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(read(reader));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new PageRows<T>(result, reader.GetInt64(0));
    }
}
