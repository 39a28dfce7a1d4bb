using Kasparro.Application.Quotes;
using Kasparro.Application.Quotes.GetQuotes;
using Kasparro.WebApi.Caching;
using Kasparro.WebApi.OpenApi;
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
                + "the matching quotes exactly up to 10,000 (`total_exact` says whether it stopped there).")
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, Example));
        return v1;
    }

    public static Task<CachedRead<QuotesResponse>> GetQuotes(
        ReadCache cache,
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
        ArgumentNullException.ThrowIfNull(cache);
        return cache.AnswerAsync(
            context,
            GetQuotesQuery.Parse(ticker, assetId, source, from, to, sort, limit, offset, cursor),
            (QuotePage page, ResponseMeta meta) => new QuotesResponse(page.Data, page.Pagination, meta),
            cancellationToken);
    }

    private const string Example = """
        {
          "data": [{
            "asset_id": "0195f3c1-9a2b-7c3d-8e4f-5a6b7c8d9e0f", "ticker": "BTC", "name": "Bitcoin",
            "source": "coinpaprika", "source_asset_id": "btc-bitcoin", "price_usd": 87000.12345678,
            "market_cap_usd": 1723456789012, "volume_24h_usd": 31234567890.5, "percent_change_24h": -1.23,
            "observed_at": "2026-11-20T10:00:00+00:00", "ingested_at": "2026-11-20T10:00:03.21+00:00"
          }],
          "pagination": { "limit": 1, "offset": 0, "returned": 1, "total": 2412, "total_exact": true, "next_cursor": "WzEsIi1vYnNlcnZlZF9hdCIs..." },
          "meta": { "request_id": "0195f3c1a2b34c5d8e9f0a1b2c3d4e5f", "api_latency_ms": 1.92, "api_version": "1" }
        }
        """;

    public sealed record QuotesResponse(IReadOnlyList<QuoteDto> Data, QuotePagination Pagination, ResponseMeta Meta);
}
