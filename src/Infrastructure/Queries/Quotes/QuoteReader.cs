using System.Collections.Concurrent;
using System.Globalization;
using Kasparro.Application.Quotes;
using Kasparro.Application.Quotes.Ports;
using Kasparro.Application.Quotes.Specifications;
using Kasparro.Infrastructure.Persistence;
using Npgsql;

namespace Kasparro.Infrastructure.Queries.Quotes;

/// <summary>
/// <c>/v1/data</c>, the hot read path, on Npgsql: the specification's statement written by <see cref="QuoteSql"/> and read
/// column by column into <see cref="QuoteDto"/>s. EF Core runs the other lists' specifications; here, on the same
/// statement, its per-query pipeline (building, hashing and funcletizing the expression tree, materializing through the
/// projection) cost a third to a half of the requests per second (BENCHMARKS.md, "EF Core or SQL for /v1/data"), so this path
/// keeps its SQL, and an integration test holds its rows equal to EF Core's evaluation of the same specification.
/// Totals are capped counts, remembered per filter until the data version moves on (while this process hears of every
/// change; otherwise each is counted again), so paging through a result costs one statement per page and a total is
/// never older than the last stored change.
/// </summary>
public sealed class QuoteReader(PostgresDatabase database) : IQuoteReader
{
    private const int MaxRememberedTotals = 4096;
    private readonly NpgsqlDataSource _dataSource = database.ReadDataSource;
    private readonly ConcurrentDictionary<string, (QuoteTotal Total, long Version)> _totals = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<QuoteDto>> ListAsync(QuotePageSpecification specification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specification);
        await using var command = QuoteSql.PageCommand(_dataSource, specification);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<QuoteDto>(specification.Limit + 1);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new QuoteDto
            {
                AssetId = reader.GetGuid(0),
                Ticker = reader.GetString(1),
                Name = reader.IsDBNull(2) ? null : reader.GetString(2),
                Source = reader.GetString(3),
                SourceAssetId = reader.GetString(4),
                PriceUsd = reader.GetDecimal(5),
                MarketCapUsd = reader.IsDBNull(6) ? null : reader.GetDecimal(6),
                Volume24hUsd = reader.IsDBNull(7) ? null : reader.GetDecimal(7),
                PercentChange24h = reader.IsDBNull(8) ? null : reader.GetDecimal(8),
                ObservedAt = reader.GetFieldValue<DateTimeOffset>(9),
                IngestedAt = reader.GetFieldValue<DateTimeOffset>(10),
            });
        }

        return rows;
    }

    public async Task<QuoteTotal> CountAsync(QuotesMatchingSpecification specification, int cap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var key = string.Concat(specification.CacheKey, ":", cap.ToString(CultureInfo.InvariantCulture));
        var version = await database.DataVersion.CurrentAsync(cancellationToken);
        if (version.Watched && _totals.TryGetValue(key, out var remembered) && remembered.Version == version.Version)
        {
            return remembered.Total;
        }

        await using var command = QuoteSql.CountCommand(_dataSource, specification.Selection, cap);
        var counted = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        var total = counted > cap ? new QuoteTotal(cap, Exact: false) : new QuoteTotal(counted, Exact: true);
        if (!version.Watched)
        {
            return total;
        }

        if (_totals.Count >= MaxRememberedTotals)
        {
            _totals.Clear();
        }

        _totals[key] = (total, version.Version);
        return total;
    }
}
