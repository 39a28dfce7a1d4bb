using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Quotes.Ports;

namespace Kasparro.Application.Quotes.GetQuotes;

/// <summary>
/// <c>GET /v1/data</c>, with its query-string values as received: what is valid is decided here, in the validator
/// (<see cref="GetQuotesQueryValidator"/>), not by the host's model binding, so every malformed value gets a named error.
/// </summary>
public sealed record GetQuotesQuery(
    string? Ticker = null,
    string? AssetId = null,
    string? Source = null,
    string? From = null,
    string? To = null,
    string? Sort = null,
    string? Limit = null,
    string? Offset = null,
    string? Cursor = null) : IRequest<QuotePage>;

/// <summary>One page of quotes and how to get the next.</summary>
public sealed record QuotePage(IReadOnlyList<QuoteDto> Data, QuotePagination Pagination);

/// <summary>
/// <see cref="Total"/> counts the quotes matching the filters, exactly up to <see cref="GetQuotesHandler.TotalCap"/>;
/// when more match, it is that cap and <see cref="TotalExact"/> is false. It is refreshed at most every few seconds per
/// filter (see the reader), so a page and its total may be a moment apart while data is loading.
/// </summary>
public sealed record QuotePagination(int Limit, int? Offset, int Returned, long Total, bool TotalExact, string? NextCursor);

public sealed class GetQuotesHandler(IQuoteReader reader) : IRequestHandler<GetQuotesQuery, QuotePage>
{
    /// <summary>Counting stops here: an exact count of a million rows would cost more than the page itself.</summary>
    public const int TotalCap = 10_000;

    public async Task<QuotePage> Handle(GetQuotesQuery request, CancellationToken cancellationToken)
    {
        var parsed = QuoteRequest.Parse(request);
        var specification = parsed.Specification ?? throw new RequestValidationException(parsed.Errors);

        var rows = await reader.ReadPageAsync(specification, cancellationToken);
        var total = await reader.CountAsync(specification.Filter, TotalCap, cancellationToken);

        var hasMore = rows.Count > specification.Limit;
        var page = hasMore ? rows.Take(specification.Limit).ToList() : rows;
        var nextCursor = hasMore ? QuoteCursor.Encode(specification.Sort, specification.Filter, PositionOf(page[^1], specification.Sort.Field)) : null;
        var offset = specification.After is null ? specification.Offset : (int?)null;
        return new QuotePage(page, new QuotePagination(specification.Limit, offset, page.Count, total.Count, total.Exact, nextCursor));
    }

    private static QuotePosition PositionOf(QuoteDto row, QuoteSortField field)
    {
        var value = field switch
        {
            QuoteSortField.PriceUsd => new QuoteSortValue(null, row.PriceUsd, null),
            QuoteSortField.MarketCapUsd => new QuoteSortValue(null, row.MarketCapUsd, null),
            QuoteSortField.Ticker => new QuoteSortValue(null, null, row.Ticker),
            _ => new QuoteSortValue(row.ObservedAt, null, null),
        };
        return new QuotePosition(value, row.Source, row.SourceAssetId, row.ObservedAt);
    }
}
