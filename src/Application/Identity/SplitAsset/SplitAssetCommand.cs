using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Common.Queries;
using Kasparro.Application.Identity.Ports;
using Kasparro.Domain.Assets;

namespace Kasparro.Application.Identity.SplitAsset;

/// <summary>
/// <c>POST /v1/assets/{id}/split</c>: move the named mappings of an asset, with their quotes, to a new asset. The new
/// asset takes the ticker and name of the newest quote among them. Made again, the same split changes nothing and
/// answers as the first time did.
/// </summary>
/// <param name="Who">The operator, as a fingerprint of the credential the request carried.</param>
public sealed record SplitAssetCommand(Parsed<Guid> AssetId, Parsed<IReadOnlyList<SourceKey>> Mappings, Parsed<string> Reason, string Who)
    : IRequest<CorrectionResult>
{
    public static SplitAssetCommand Parse(string? assetId, IReadOnlyList<(string? Source, string? SourceAssetId)>? mappings, string? reason, string who) =>
        new(CorrectionInput.AssetId(assetId), CorrectionInput.Mappings(mappings), CorrectionInput.Reason(reason), who);
}

public sealed class SplitAssetHandler(IIdentityCorrections corrections, TimeProvider time) : IRequestHandler<SplitAssetCommand, CorrectionResult>
{
    public async Task<CorrectionResult> Handle(SplitAssetCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var assetId = request.AssetId.Value;
        var keys = request.Mappings.Value;
        CorrectionResult? replayed = null;
        Guid newAssetId = Guid.Empty;
        var outcome = await corrections.CorrectAsync([assetId], keys, snapshot =>
        {
            replayed = Replayed(snapshot, assetId, keys);
            if (replayed is not null)
            {
                return null;
            }

            var correction = Decide(snapshot, request, time.GetUtcNow());
            newAssetId = correction.OtherAssetId;
            return correction;
        }, cancellationToken);

        if (replayed is not null)
        {
            return replayed;
        }

        CorrectionConflicts.ThrowIfBusy(outcome);
        return new CorrectionResult(assetId, newAssetId, CorrectionInput.Moved(keys), outcome.QuotesMoved, outcome.DecisionId, Changed: true);
    }

    /// <summary>The same split made before: every key on the asset that split created, holding exactly those keys.</summary>
    private static CorrectionResult? Replayed(CorrectionSnapshot snapshot, Guid assetId, IReadOnlyList<SourceKey> keys)
    {
        var holders = keys.Select(k => snapshot.Mapping(k)?.Mapping.AssetId).Distinct().ToList();
        if (holders is not [{ } holder] || holder == assetId)
        {
            return null;
        }

        var split = snapshot.Corrections.FirstOrDefault(c => c.Kind == CorrectionKind.Split && c.AssetId == assetId && c.OtherAssetId == holder);
        var held = snapshot.MappingsOf(holder).Select(m => m.Mapping.Key).ToHashSet();
        return split is not null && held.SetEquals(keys)
            ? new CorrectionResult(assetId, holder, CorrectionInput.Moved(keys), 0, split.DecisionId, Changed: false)
            : null;
    }

    private static IdentityCorrection Decide(CorrectionSnapshot snapshot, SplitAssetCommand request, DateTimeOffset now)
    {
        var assetId = request.AssetId.Value;
        var keys = request.Mappings.Value;
        var asset = snapshot.Asset(assetId) ?? throw new NotFoundException("asset", assetId);
        var missing = keys.FirstOrDefault(k => snapshot.Mapping(k) is null);
        if (missing != default)
        {
            throw new NotFoundException("mapping", missing);
        }

        var elsewhere = keys.Select(k => snapshot.Mapping(k)!.Mapping).Where(m => m.AssetId != assetId).ToList();
        if (elsewhere.Count > 0)
        {
            throw CorrectionConflicts.NotOnAsset(assetId, elsewhere);
        }

        var held = snapshot.MappingsOf(assetId);
        if (held.Count == keys.Count)
        {
            throw new ConflictException(
                $"A split must leave at least one mapping on asset {assetId}: name only the mappings that are another coin.");
        }

        if (OneIdPerCatalog.Violations(keys) is [var clash, ..])
        {
            throw CorrectionConflicts.TwoIdsOfOneCatalog("The new asset", clash);
        }

        var moving = held.Where(m => keys.Contains(m.Mapping.Key)).ToList();
        var newest = moving.Where(m => m.Latest is not null).MaxBy(m => m.Latest!.ObservedAt)?.Latest;
        var created = new Asset(
            Guid.CreateVersion7(now),
            newest is null ? asset.Ticker : Domain.Markets.Ticker.FromStored(newest.Ticker),
            newest?.Name ?? asset.Name,
            null,
            now);
        var moved = moving.Select(m => m.Mapping with { AssetId = created.Id, Method = MappingMethod.Manual, Confidence = 1m }).ToList();
        var staying = held.Where(m => !keys.Contains(m.Mapping.Key)).Select(m => m.Mapping);
        return new IdentityCorrection(
            CorrectionKind.Split,
            assetId,
            created.Id,
            created,
            keys,
            [CorrectionInput.State(assetId, asset, held.Select(m => m.Mapping))],
            [CorrectionInput.State(assetId, asset, staying), CorrectionInput.State(created.Id, created, moved)],
            request.Who,
            request.Reason.Value);
    }
}
