using Kasparro.Application.Quotes;
using Kasparro.Application.Quotes.GetQuotes;
using Microsoft.AspNetCore.Mvc;

namespace Kasparro.WebApi.Endpoints.V1;

/// <summary><c>GET /v1/data</c>: normalized quotes, filtered, sorted and paged.</summary>
public static class QuoteEndpoints
{
    public static RouteGroupBuilder MapQuoteEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/data", GetQuotes)
            .WithName(nameof(GetQuotes))
            .WithTags("Quotes")
            .WithSummary("Normalized quotes")
            .WithDescription(
                "Quotes from every source in the unified schema. Filter by ticker, asset id, source and observed_at range; "
                + "sort by observed_at (newest first by default), price, market cap or ticker; page with `offset` (up to 10,000) or, "
                + "at any depth, with the opaque `cursor` from the previous page's `pagination.next_cursor`. `pagination.total` counts "
                + "the matching quotes exactly up to 10,000 (`total_exact` says whether it stopped there).");
        return v1;
    }

    public static async Task<Ok<QuotesResponse>> GetQuotes(
        IMediator mediator,
        HttpContext context,
        [FromQuery(Name = "ticker")] string? ticker,
        [FromQuery(Name = "asset_id")] string? assetId,
        [FromQuery(Name = "source")] string? source,
        [FromQuery(Name = "from")] string? from,
        [FromQuery(Name = "to")] string? to,
        [FromQuery(Name = "sort")] string? sort,
        [FromQuery(Name = "limit")] string? limit,
        [FromQuery(Name = "offset")] string? offset,
        [FromQuery(Name = "cursor")] string? cursor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mediator);
        var page = await mediator.Send(new GetQuotesQuery(ticker, assetId, source, from, to, sort, limit, offset, cursor), cancellationToken);
        return TypedResults.Ok(new QuotesResponse(page.Data, page.Pagination, ResponseMeta.Of(context)));
    }

    public sealed record QuotesResponse(IReadOnlyList<QuoteDto> Data, QuotePagination Pagination, ResponseMeta Meta);
}
