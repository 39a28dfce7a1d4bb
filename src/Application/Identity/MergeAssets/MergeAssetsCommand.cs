using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Common.Queries;
using Kasparro.Application.Identity.Ports;
using Kasparro.Domain.Assets;

namespace Kasparro.Application.Identity.MergeAssets;

/// <summary>
/// <c>POST /v1/assets/merge</c>: fold asset <see cref="From"/> into asset <see cref="Into"/>: every mapping and quote of
/// the first moves to the second, which keeps its ticker (and its name, or takes the other's when it has none), and the
/// emptied asset is removed. Refused when the two hold ids of one catalog source. Made again, the same merge changes
/// nothing and answers as the first time did.
/// </summary>
public sealed record MergeAssetsCommand(Parsed<Guid> From, Parsed<Guid> Into, Parsed<string> Reason, string Who) : IRequest<CorrectionResult>
{
    public static MergeAssetsCommand Parse(string? from, string? into, string? reason, string who) =>
        new(CorrectionInput.AssetId(from), CorrectionInput.AssetId(into), CorrectionInput.Reason(reason), who);
}

public sealed class MergeAssetsHandler(IIdentityCorrections corrections) : IRequestHandler<MergeAssetsCommand, CorrectionResult>
{
    public async Task<CorrectionResult> Handle(MergeAssetsCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (from, into) = (request.From.Value, request.Into.Value);
        CorrectionResult? replayed = null;
        IReadOnlyList<SourceKey> moved = [];
        var outcome = await corrections.CorrectAsync([from, into], [], snapshot =>
        {
            replayed = Replayed(snapshot, from, into);
            if (replayed is not null)
            {
                return null;
            }

            var correction = Decide(snapshot, request);
            moved = correction.Moved;
            return correction;
        }, cancellationToken);

        if (replayed is not null)
        {
            return replayed;
        }

        CorrectionConflicts.ThrowIfBusy(outcome);
        return new CorrectionResult(into, from, CorrectionInput.Moved(moved), outcome.QuotesMoved, outcome.DecisionId, Changed: true);
    }

    /// <summary>The same merge made before: the folded asset is gone, and the record says it went into this one.</summary>
    private static CorrectionResult? Replayed(CorrectionSnapshot snapshot, Guid from, Guid into)
    {
        if (snapshot.Asset(from) is not null)
        {
            return null;
        }

        var merged = snapshot.Corrections.LastOrDefault(c => c.Kind == CorrectionKind.Merge && c.OtherAssetId == from);
        return merged is not null && merged.AssetId == into
            ? new CorrectionResult(into, from, [], 0, merged.DecisionId, Changed: false)
            : null;
    }

    private static IdentityCorrection Decide(CorrectionSnapshot snapshot, MergeAssetsCommand request)
    {
        var (from, into) = (request.From.Value, request.Into.Value);
        var folded = snapshot.Asset(from) ?? throw Gone(snapshot, from);
        var kept = snapshot.Asset(into) ?? throw Gone(snapshot, into);
        var foldedMappings = snapshot.MappingsOf(from).Select(m => m.Mapping).ToList();
        var keptMappings = snapshot.MappingsOf(into).Select(m => m.Mapping).ToList();
        if (OneIdPerCatalog.Violations([.. keptMappings.Select(m => m.Key), .. foldedMappings.Select(m => m.Key)]) is [var clash, ..])
        {
            throw CorrectionConflicts.TwoIdsOfOneCatalog($"Asset {into} merged with asset {from}", clash);
        }

        var moved = foldedMappings.Select(m => m with { AssetId = into, Method = MappingMethod.Manual, Confidence = 1m });
        return new IdentityCorrection(
            CorrectionKind.Merge,
            into,
            from,
            null,
            [.. foldedMappings.Select(m => m.Key)],
            [CorrectionInput.State(into, kept, keptMappings), CorrectionInput.State(from, folded, foldedMappings)],
            [CorrectionInput.State(into, kept, [.. keptMappings, .. moved])],
            request.Who,
            request.Reason.Value);
    }

    /// <summary>An asset that does not exist: merged into another before (a conflict naming it), or never known (404).</summary>
    private static Exception Gone(CorrectionSnapshot snapshot, Guid id) =>
        snapshot.Corrections.LastOrDefault(c => c.Kind == CorrectionKind.Merge && c.OtherAssetId == id) is { } merged
            ? new ConflictException(
                $"Asset {id} was merged into asset {merged.AssetId} (decision {merged.DecisionId}).",
                new Dictionary<string, object?> { ["merged_into"] = merged.AssetId, ["decision_id"] = merged.DecisionId })
            : new NotFoundException("asset", id);
}
