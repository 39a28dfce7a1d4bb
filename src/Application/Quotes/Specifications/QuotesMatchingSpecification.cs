using Ardalis.Specification;

namespace Kasparro.Application.Quotes.Specifications;

/// <summary>
/// The quotes a <see cref="QuoteFilter"/> selects, in no order: what <c>/v1/data</c>'s total counts. Its cache key names
/// the filter, so a count can be remembered per filter.
/// </summary>
public sealed class QuotesMatchingSpecification : Specification<QuoteDto>
{
    public QuotesMatchingSpecification(QuoteFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Selection = filter;
        Filter(Query, filter);
        Query.EnableCache(nameof(QuotesMatchingSpecification), filter.Fingerprint());
    }

    /// <summary>The filter this specification selects by.</summary>
    public QuoteFilter Selection { get; }

    /// <summary>
    /// Adds the filter's conditions. One ticker or source is an equality, several a list membership, so the common
    /// single-ticker request keeps the plan of an equality on the ticker index.
    /// </summary>
    internal static void Filter(ISpecificationBuilder<QuoteDto> query, QuoteFilter filter)
    {
        if (filter.Tickers.Count == 1)
        {
            var ticker = filter.Tickers[0];
            query.Where(q => q.Ticker == ticker);
        }
        else if (filter.Tickers.Count > 1)
        {
            var tickers = filter.Tickers.ToArray();
            query.Where(q => tickers.Contains(q.Ticker));
        }

        if (filter.AssetId is { } assetId)
        {
            query.Where(q => q.AssetId == assetId);
        }

        if (filter.Sources.Count == 1)
        {
            var source = filter.Sources[0];
            query.Where(q => q.Source == source);
        }
        else if (filter.Sources.Count > 1)
        {
            var sources = filter.Sources.ToArray();
            query.Where(q => sources.Contains(q.Source));
        }

        if (filter.From is { } from)
        {
            query.Where(q => q.ObservedAt >= from);
        }

        if (filter.To is { } to)
        {
            query.Where(q => q.ObservedAt <= to);
        }
    }
}
