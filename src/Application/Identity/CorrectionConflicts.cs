using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Identity.Ports;
using Kasparro.Domain.Assets;

namespace Kasparro.Application.Identity;

/// <summary>The 409s of corrections, each with the state that refused it.</summary>
internal static class CorrectionConflicts
{
    public static void ThrowIfBusy(CorrectionOutcome outcome)
    {
        if (outcome.BusySources.Count > 0)
        {
            throw new ConflictException(
                $"A run of {string.Join(", ", outcome.BusySources)} is in progress: a correction moves no mapping of a source being run. Try again once it ends.",
                new Dictionary<string, object?> { ["running_sources"] = outcome.BusySources });
        }
    }

    public static ConflictException NotOnAsset(Guid assetId, IReadOnlyList<AssetSourceMapping> elsewhere) =>
        new(
            $"{elsewhere[0].Key} belongs to asset {elsewhere[0].AssetId}, not to asset {assetId}.",
            new Dictionary<string, object?> { ["mappings"] = Listed(elsewhere.Select(m => (m.Key, (Guid?)m.AssetId))) });

    /// <summary>Refused by the rule that a catalog tells its own coins apart.</summary>
    public static ConflictException TwoIdsOfOneCatalog(string subject, IReadOnlyList<SourceKey> clash) =>
        new(
            $"{subject} would hold two {clash[0].Source} ids ({string.Join(", ", clash.Select(k => k.SourceAssetId))}): a catalog source lists each coin once, so two of its ids are two coins.",
            new Dictionary<string, object?> { ["mappings"] = Listed(clash.Select(k => (k, (Guid?)null))) });

    private static List<Dictionary<string, object?>> Listed(IEnumerable<(SourceKey Key, Guid? AssetId)> mappings) =>
    [
        .. mappings.Select(m =>
        {
            var item = new Dictionary<string, object?> { ["source"] = m.Key.Source, ["source_asset_id"] = m.Key.SourceAssetId };
            if (m.AssetId is { } assetId)
            {
                item["asset_id"] = assetId;
            }

            return item;
        }),
    ];
}
