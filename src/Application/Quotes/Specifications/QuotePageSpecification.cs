using System.Linq.Expressions;
using Ardalis.Specification;
using Kasparro.Application.Common.Specifications;

namespace Kasparro.Application.Quotes.Specifications;

/// <summary>
/// One page of <c>/v1/data</c>: the filtered quotes in the sort's order, then either <c>offset</c> rows in or the rows
/// after a cursor's position, and one row more than the limit (its presence says another page follows).
/// </summary>
/// <remarks>
/// Its parts stay readable as data (<see cref="Filter"/>, <see cref="Sort"/>, <see cref="Limit"/>, <see cref="Offset"/>,
/// <see cref="Position"/>) for a store that writes this one query by hand; the expressions say what it must return.
/// Every order ends with the quote's key (source, source_asset_id, observed_at), so it is total and a position is exact.
/// All its columns run the sort's direction, so "after a position" is one row comparison a B-tree can seek to; the
/// default order is the primary key's own (observed_at, source, source_asset_id). A market cap may be NULL: NULLs come
/// last in both directions.
/// </remarks>
public sealed class QuotePageSpecification : KeysetSpecification<QuoteDto>
{
    private static readonly Dictionary<QuoteSort, KeysetOrder<QuoteDto>> Orders = QuoteSort.Accepted
        .Select(text => QuoteSort.TryParse(text, out var sort) ? sort : throw new InvalidOperationException(text))
        .ToDictionary(sort => sort, OrderOf);

    public QuotePageSpecification(QuoteFilter filter, QuoteSort sort, int limit, int offset, QuotePosition? after)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(sort);
        Filter = filter;
        Sort = sort;
        Limit = limit;
        Offset = after is null ? offset : 0;
        Position = after;
        QuotesMatchingSpecification.Filter(Query, filter);
        Page(Orders[sort], after is null ? null : ValuesOf(sort.Field, after), offset, limit);
    }

    public QuoteFilter Filter { get; }

    public QuoteSort Sort { get; }

    /// <summary>The page size; the specification takes one row more.</summary>
    public int Limit { get; }

    /// <summary>Rows skipped before the page; 0 for a keyset page.</summary>
    public int Offset { get; }

    /// <summary>The position the page starts after, or null.</summary>
    public QuotePosition? Position { get; }

    private static KeysetOrder<QuoteDto> OrderOf(QuoteSort sort)
    {
        Expression<Func<QuoteDto, DateTimeOffset>> observedAt = q => q.ObservedAt;
        Expression<Func<QuoteDto, string>> source = q => q.Source;
        Expression<Func<QuoteDto, string>> sourceAssetId = q => q.SourceAssetId;
        LambdaExpression? lead = sort.Field switch
        {
            QuoteSortField.PriceUsd => (Expression<Func<QuoteDto, decimal>>)(q => q.PriceUsd),
            QuoteSortField.MarketCapUsd => (Expression<Func<QuoteDto, decimal?>>)(q => q.MarketCapUsd),
            QuoteSortField.Ticker => (Expression<Func<QuoteDto, string>>)(q => q.Ticker),
            _ => null,
        };

        // observed_at leads the default order; otherwise it is the key's last column.
        return lead is null
            ? new KeysetOrder<QuoteDto>(sort.Descending, [observedAt, source, sourceAssetId])
            : new KeysetOrder<QuoteDto>(sort.Descending, [lead, source, sourceAssetId, observedAt], nullsLastLead: sort.Field == QuoteSortField.MarketCapUsd);
    }

    private static object?[] ValuesOf(QuoteSortField field, QuotePosition after) => field switch
    {
        QuoteSortField.ObservedAt => [after.ObservedAt, after.Source, after.SourceAssetId],
        QuoteSortField.Ticker => [after.Value.Text, after.Source, after.SourceAssetId, after.ObservedAt],
        _ => [after.Value.Number, after.Source, after.SourceAssetId, after.ObservedAt],
    };
}
