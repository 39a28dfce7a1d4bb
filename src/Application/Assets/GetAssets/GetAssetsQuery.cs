using Kasparro.Application.Assets.Ports;
using Kasparro.Application.Common.Queries;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Assets.GetAssets;

/// <summary><c>GET /v1/assets</c>: the canonical assets, largest market cap first, optionally for some tickers.</summary>
public sealed record GetAssetsQuery(string? Ticker = null, string? Limit = null, string? Offset = null) : IRequest<AssetsPage>
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;
}

public sealed record AssetsPage(IReadOnlyList<AssetView> Data, AssetsPagination Pagination);

public sealed record AssetsPagination(int Limit, int Offset, int Returned, long Total);

public sealed class GetAssetsHandler(IAssetReader reader) : IRequestHandler<GetAssetsQuery, AssetsPage>
{
    public async Task<AssetsPage> Handle(GetAssetsQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tickers = QueryText.SplitList(request.Ticker).Select(t => Ticker.Parse(t, TickerAliases.None).Value!.Value).ToList();
        var limit = request.Limit is null ? GetAssetsQuery.DefaultLimit : int.Parse(request.Limit, System.Globalization.CultureInfo.InvariantCulture);
        var offset = request.Offset is null ? 0 : int.Parse(request.Offset, System.Globalization.CultureInfo.InvariantCulture);

        var records = await reader.ListAsync(tickers, limit, offset, cancellationToken);
        var total = await reader.CountAsync(tickers, cancellationToken);
        var views = records.Select(AssetConsensus.ToView).ToList();
        return new AssetsPage(views, new AssetsPagination(limit, offset, views.Count, total));
    }
}
