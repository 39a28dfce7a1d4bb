using Kasparro.Application.Assets.Ports;
using Kasparro.Application.Assets.Specifications;
using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Common.Queries;
using Mapster;

namespace Kasparro.Application.Assets.GetAsset;

/// <summary><c>GET /v1/assets/{ticker_or_id}</c>: one asset with its mappings, latest quotes and consensus.</summary>
public sealed record GetAssetQuery(Parsed<AssetKey> Key) : IRequest<AssetDetail>
{
    public static GetAssetQuery Parse(string? tickerOrId) => new(AssetKey.Parse(tickerOrId));
}

/// <param name="OtherAssetsWithTicker">Other assets sharing the ticker (smaller market cap), reachable by id.</param>
public sealed record AssetDetail(AssetView Asset, IReadOnlyList<Guid> OtherAssetsWithTicker);

public sealed class GetAssetHandler(IAssetReader reader, TypeAdapterConfig mappings) : IRequestHandler<GetAssetQuery, AssetDetail>
{
    public async Task<AssetDetail> Handle(GetAssetQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (id, others) = await request.Key.Value.LocateAsync(reader, cancellationToken);
        var records = await reader.ListAsync(new AssetByIdSpecification(id), cancellationToken);
        var record = records.Count > 0 ? records[0] : throw new NotFoundException("asset", id);
        return new AssetDetail(record.Adapt<AssetView>(mappings), others);
    }
}
