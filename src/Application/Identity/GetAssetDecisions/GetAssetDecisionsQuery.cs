using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Common.Queries;
using Kasparro.Application.Identity.Ports;

namespace Kasparro.Application.Identity.GetAssetDecisions;

/// <summary>
/// <c>GET /v1/assets/{id}/decisions</c>: every identity decision about an asset, newest first: how each of its keys was
/// mapped, and the splits and merges it took part in. An asset merged away keeps its records; an id that never was an
/// asset is a 404.
/// </summary>
public sealed record GetAssetDecisionsQuery(Parsed<Guid> AssetId, Parsed<int> Limit) : IRequest<AssetDecisions>
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;

    public static GetAssetDecisionsQuery Parse(string? assetId, string? limit = null) =>
        new(CorrectionInput.AssetId(assetId), QueryText.WholeNumber(limit, 1, MaxLimit, DefaultLimit, $"must be a whole number from 1 to {MaxLimit}"));
}

/// <param name="Truncated">Whether older decisions exist beyond <c>limit</c>.</param>
public sealed record AssetDecisions(Guid AssetId, bool Exists, IReadOnlyList<IdentityDecisionView> Decisions, bool Truncated);

public sealed class GetAssetDecisionsHandler(IIdentityReviewReader reader) : IRequestHandler<GetAssetDecisionsQuery, AssetDecisions>
{
    public async Task<AssetDecisions> Handle(GetAssetDecisionsQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (id, limit) = (request.AssetId.Value, request.Limit.Value);
        var decisions = await reader.DecisionsAsync(id, limit + 1, cancellationToken);
        var exists = await reader.AssetExistsAsync(id, cancellationToken);
        if (!exists && decisions.Count == 0)
        {
            throw new NotFoundException("asset", id);
        }

        return new AssetDecisions(id, exists, [.. decisions.Take(limit)], decisions.Count > limit);
    }
}
