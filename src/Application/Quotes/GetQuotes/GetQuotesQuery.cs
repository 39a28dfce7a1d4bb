using Kasparro.Application.Common.Queries;
using Kasparro.Application.Quotes.Ports;
using Kasparro.Application.Quotes.Specifications;

namespace Kasparro.Application.Quotes.GetQuotes;

/// <summary>
/// <c>GET /v1/data</c>, each query-string value parsed once by <see cref="Parse"/>: a value or its errors. The validator
/// (<see cref="GetQuotesQueryValidator"/>) reports the errors and the rules across values; the handler reads the values.
/// </summary>
public sealed record GetQuotesQuery(
    Parsed<IReadOnlyList<string>> Tickers,
    Parsed<Guid?> AssetId,
    Parsed<IReadOnlyList<string>> Sources,
    Parsed<DateTimeOffset?> From,
    Parsed<DateTimeOffset?> To,
    Parsed<QuoteSort> Sort,
    Parsed<int> Limit,
    Parsed<int> Offset,
    Parsed<QuoteCursor?> Cursor) : IRequest<QuotePage>
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int MaxTickers = 50;

    /// <summary>Deeper pages than this go by cursor: an offset makes the database walk every row before it.</summary>
    public const int MaxOffset = 10_000;

    /// <summary>The filters the values say (meaningful when they are valid).</summary>
    public QuoteFilter Filter => new(Tickers.Value, AssetId.Value, Sources.Value, From.Value, To.Value);

    /// <summary>The query the texts of a request mean; a value absent from the request is null.</summary>
    public static GetQuotesQuery Parse(
        string? ticker = null,
        string? assetId = null,
        string? source = null,
        string? from = null,
        string? to = null,
        string? sort = null,
        string? limit = null,
        string? offset = null,
        string? cursor = null) =>
        new(
            QueryText.Tickers(ticker, MaxTickers),
            QueryText.Uuid(assetId, "must be an asset id (a UUID)"),
            QueryText.Sources(source),
            QueryText.Timestamp(from),
            QueryText.Timestamp(to),
            sort is null ? Parsed.Absent(QuoteSort.Default)
            : QuoteSort.TryParse(sort, out var parsedSort) ? Parsed.Valid(parsedSort)
            : Parsed.Invalid(QuoteSort.Default, $"must be one of {string.Join(", ", QuoteSort.Accepted)}"),
            QueryText.WholeNumber(limit, 1, MaxLimit, DefaultLimit, $"must be a whole number from 1 to {MaxLimit}"),
            QueryText.WholeNumber(offset, 0, MaxOffset, 0, $"must be a whole number from 0 to {MaxOffset}; go deeper with 'cursor'"),
            QuoteCursor.Parse(cursor));
}

/// <summary>One page of quotes and how to get the next.</summary>
public sealed record QuotePage(IReadOnlyList<QuoteDto> Data, QuotePagination Pagination);

/// <summary>
/// <see cref="Total"/> counts the quotes matching the filters, exactly up to <see cref="GetQuotesHandler.TotalCap"/>;
/// when more match, it is that cap and <see cref="TotalExact"/> is false. The reader may remember it per filter until the
/// stored data changes, never longer.
/// </summary>
public sealed record QuotePagination(int Limit, int? Offset, int Returned, long Total, bool TotalExact, string? NextCursor);

public sealed class GetQuotesHandler(IQuoteReader reader) : IRequestHandler<GetQuotesQuery, QuotePage>
{
    /// <summary>Counting stops here: an exact count of a million rows would cost more than the page itself.</summary>
    public const int TotalCap = 10_000;

    public async Task<QuotePage> Handle(GetQuotesQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var filter = request.Filter;
        var sort = request.Sort.Value;
        var limit = request.Limit.Value;
        var after = request.Cursor.Value?.Position;

        var rows = await reader.ListAsync(new QuotePageSpecification(filter, sort, limit, request.Offset.Value, after), cancellationToken);
        var total = await reader.CountAsync(new QuotesMatchingSpecification(filter), TotalCap, cancellationToken);

        var hasMore = rows.Count > limit;
        var page = hasMore ? rows.Take(limit).ToList() : rows;
        var nextCursor = hasMore ? QuoteCursor.Encode(sort, filter, QuotePosition.Of(page[^1], sort.Field)) : null;
        var offset = after is null ? request.Offset.Value : (int?)null;
        return new QuotePage(page, new QuotePagination(limit, offset, page.Count, total.Count, total.Exact, nextCursor));
    }
}
