using Kasparro.Application.Assets;
using Kasparro.Application.Assets.GetAsset;
using Kasparro.Application.Assets.GetAssetHistory;
using Kasparro.Application.Assets.GetAssets;
using Kasparro.WebApi.Caching;
using Microsoft.AspNetCore.Mvc;

namespace Kasparro.WebApi.Endpoints.V1;

/// <summary><c>/v1/assets</c>: the canonical view of each asset across sources, and its price history.</summary>
public static class AssetEndpoints
{
    public static RouteGroupBuilder MapAssetEndpoints(this RouteGroupBuilder v1)
    {
        var assets = v1.MapGroup("/assets").WithTags("Assets");
        assets.MapGet("/", GetAssets)
            .WithName(nameof(GetAssets))
            .WithSummary("Canonical assets")
            .WithDescription(
                "Every canonical asset, largest market cap first: its source mappings (with how each was decided and how sure), "
                + "each source's latest quote, the consensus (median) price over the sources' quotes from the last 24 hours of "
                + "the newest one, and the spread between them.");
        assets.MapGet("/{ticker_or_id}", GetAsset)
            .WithName(nameof(GetAsset))
            .WithSummary("One asset")
            .WithDescription(
                "By asset id (UUID) or by ticker. A ticker finds its primary asset (the largest market cap among the coins "
                + "sharing the symbol); the others are listed in `other_assets_with_ticker` and reachable by id.");
        assets.MapGet("/{ticker_or_id}/history", GetAssetHistory)
            .WithName(nameof(GetAssetHistory))
            .WithSummary("An asset's price history")
            .WithDescription(
                "Open, high, low and close per source and `interval` bucket (raw, 5m, 15m, 1h, 4h, 1d (default), 1w; buckets "
                + "start at 00:00 UTC, weeks on Mondays) between `from` and `to` (inclusive). At most 5,000 points, oldest first; "
                + "`truncated` says more matched.");
        return v1;
    }

    public static Task<CachedRead<AssetsResponse>> GetAssets(
        ReadCache cache,
        HttpContext context,
        [FromQuery(Name = "ticker")] string? ticker,
        [FromQuery(Name = "limit")] string? limit,
        [FromQuery(Name = "offset")] string? offset,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.AnswerAsync(
            context,
            GetAssetsQuery.Parse(ticker, limit, offset),
            (AssetsPage page, ResponseMeta meta) => new AssetsResponse(page.Data, page.Pagination, meta),
            cancellationToken);
    }

    public static Task<CachedRead<AssetResponse>> GetAsset(
        ReadCache cache,
        HttpContext context,
        [FromRoute(Name = "ticker_or_id")] string tickerOrId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.AnswerAsync(
            context,
            GetAssetQuery.Parse(tickerOrId),
            (AssetDetail detail, ResponseMeta meta) => new AssetResponse(detail.Asset, detail.OtherAssetsWithTicker, meta),
            cancellationToken);
    }

    public static Task<CachedRead<AssetHistoryResponse>> GetAssetHistory(
        ReadCache cache,
        HttpContext context,
        [FromRoute(Name = "ticker_or_id")] string tickerOrId,
        [FromQuery(Name = "source")] string? source,
        [FromQuery(Name = "from")] string? from,
        [FromQuery(Name = "to")] string? to,
        [FromQuery(Name = "interval")] string? interval,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.AnswerAsync(
            context,
            GetAssetHistoryQuery.Parse(tickerOrId, source, from, to, interval),
            (AssetHistory history, ResponseMeta meta) => new AssetHistoryResponse(history.AssetId, history.Interval, history.Points, history.Truncated, meta),
            cancellationToken);
    }

    public sealed record AssetsResponse(IReadOnlyList<AssetView> Data, AssetsPagination Pagination, ResponseMeta Meta);

    public sealed record AssetResponse(AssetView Data, IReadOnlyList<Guid> OtherAssetsWithTicker, ResponseMeta Meta);

    public sealed record AssetHistoryResponse(Guid AssetId, string Interval, IReadOnlyList<HistoryPoint> Data, bool Truncated, ResponseMeta Meta);
}
