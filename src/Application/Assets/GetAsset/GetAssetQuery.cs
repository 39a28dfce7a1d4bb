using Kasparro.Application.Assets.Ports;
using Kasparro.Application.Common.Exceptions;

namespace Kasparro.Application.Assets.GetAsset;

/// <summary><c>GET /v1/assets/{ticker_or_id}</c>: one asset with its mappings, latest quotes and consensus.</summary>
public sealed record GetAssetQuery(string TickerOrId) : IRequest<AssetDetail>;

/// <param name="OtherAssetsWithTicker">Other assets sharing the ticker (smaller market cap), reachable by id.</param>
public sealed record AssetDetail(AssetView Asset, IReadOnlyList<Guid> OtherAssetsWithTicker);

public sealed class GetAssetHandler(IAssetReader reader) : IRequestHandler<GetAssetQuery, AssetDetail>
{
    public async Task<AssetDetail> Handle(GetAssetQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (id, others) = await AssetLocator.LocateAsync(reader, request.TickerOrId, cancellationToken);
        var record = await reader.FindByIdAsync(id, cancellationToken) ?? throw new NotFoundException("asset", id);
        return new AssetDetail(AssetConsensus.ToView(record), others);
    }
}
