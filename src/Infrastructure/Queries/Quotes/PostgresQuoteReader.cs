using System.Collections.Concurrent;
using Kasparro.Application.Quotes;
using Kasparro.Application.Quotes.Ports;
using Npgsql;

namespace Kasparro.Infrastructure.Queries.Quotes;

/// <summary>
/// <c>/v1/data</c> on Npgsql directly: one positional-parameter statement per page, read column by column into
/// <see cref="QuoteDto"/>s. Totals are capped counts, remembered per filter for <see cref="TotalLifetime"/> so paging
/// through a result costs one statement per page.
/// </summary>
public sealed class PostgresQuoteReader(NpgsqlDataSource dataSource, TimeProvider time) : IQuoteReader
{
    /// <summary>How long a counted total is reused for the same filter.</summary>
    public static readonly TimeSpan TotalLifetime = TimeSpan.FromSeconds(10);

    private const int MaxRememberedTotals = 4096;
    private readonly ConcurrentDictionary<string, (QuoteTotal Total, long CountedAt)> _totals = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<QuoteDto>> ReadPageAsync(QuoteSpecification specification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specification);
        await using var command = QuoteSql.PageCommand(dataSource, specification);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<QuoteDto>(specification.Limit + 1);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new QuoteDto(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetDecimal(5),
                reader.IsDBNull(6) ? null : reader.GetDecimal(6),
                reader.IsDBNull(7) ? null : reader.GetDecimal(7),
                reader.IsDBNull(8) ? null : reader.GetDecimal(8),
                reader.GetFieldValue<DateTimeOffset>(9),
                reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return rows;
    }

    public async Task<QuoteTotal> CountAsync(QuoteFilter filter, int cap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var key = string.Concat(filter.Fingerprint(), ":", cap.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var now = time.GetTimestamp();
        if (_totals.TryGetValue(key, out var remembered) && time.GetElapsedTime(remembered.CountedAt, now) < TotalLifetime)
        {
            return remembered.Total;
        }

        await using var command = QuoteSql.CountCommand(dataSource, filter, cap);
        var counted = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        var total = counted > cap ? new QuoteTotal(cap, Exact: false) : new QuoteTotal(counted, Exact: true);
        if (_totals.Count >= MaxRememberedTotals)
        {
            _totals.Clear();
        }

        _totals[key] = (total, now);
        return total;
    }

    /// <summary>The value with the trailing zeros of its column's scale dropped: 87000 rather than 87000.000000000000000000.</summary>
    internal static decimal Exact(decimal value) => value / 1.000000000000000000000000000000000m;
}
