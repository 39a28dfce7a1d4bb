using Kasparro.Application.Assets.Ports;
using Kasparro.Application.Assets.Specifications;
using Kasparro.Application.Common.Queries;
using Mapster;

namespace Kasparro.Application.Assets.GetAssets;

/// <summary><c>GET /v1/assets</c>: the canonical assets, largest market cap first, optionally for some tickers.</summary>
public sealed record GetAssetsQuery(Parsed<IReadOnlyList<string>> Tickers, Parsed<int> Limit, Parsed<int> Offset) : IRequest<AssetsPage>
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;
    public const int MaxOffset = 100_000;

    public static GetAssetsQuery Parse(string? ticker = null, string? limit = null, string? offset = null) =>
        new(
            QueryText.Tickers(ticker, int.MaxValue),
            QueryText.WholeNumber(limit, 1, MaxLimit, DefaultLimit, $"must be a whole number from 1 to {MaxLimit}"),
            QueryText.WholeNumber(offset, 0, MaxOffset, 0, $"must be a whole number from 0 to {MaxOffset}"));
}

public sealed record AssetsPage(IReadOnlyList<AssetView> Data, AssetsPagination Pagination);

public sealed record AssetsPagination(int Limit, int Offset, int Returned, long Total);

public sealed class GetAssetsHandler(IAssetReader reader, TypeAdapterConfig mappings) : IRequestHandler<GetAssetsQuery, AssetsPage>
{
    public async Task<AssetsPage> Handle(GetAssetsQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (limit, offset) = (request.Limit.Value, request.Offset.Value);
        var specification = new AssetPageSpecification(request.Tickers.Value, limit, offset);

        var records = await reader.ListAsync(specification, cancellationToken);
        var total = await reader.CountAsync(specification, cancellationToken);
        var views = records.Adapt<List<AssetView>>(mappings);
        return new AssetsPage(views, new AssetsPagination(limit, offset, views.Count, total));
    }
}
