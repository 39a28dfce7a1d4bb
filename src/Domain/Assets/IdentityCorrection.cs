namespace Kasparro.Domain.Assets;

/// <summary>What an operator does to identities: move named mappings to a new asset, or fold one asset into another.</summary>
public enum CorrectionKind
{
    Split,
    Merge,
}

/// <summary>An asset and its mappings at one moment: what a correction's record keeps of before and after.</summary>
public sealed record AssetState(Guid AssetId, string Ticker, string? Name, IReadOnlyList<AssetSourceMapping> Mappings);

/// <summary>
/// An operator's correction, decided and ready to store. A split moves <paramref name="Moved"/> from
/// <paramref name="AssetId"/> to the <paramref name="NewAsset"/> (<paramref name="OtherAssetId"/>); a merge moves every
/// mapping of <paramref name="OtherAssetId"/> onto <paramref name="AssetId"/> and removes the emptied asset. Either way
/// the moved mappings become <see cref="MappingMethod.Manual"/> with confidence 1, and their quotes follow them.
/// </summary>
/// <param name="Who">Who decided: a fingerprint of the operator's credential, never the credential.</param>
public sealed record IdentityCorrection(
    CorrectionKind Kind,
    Guid AssetId,
    Guid OtherAssetId,
    Asset? NewAsset,
    IReadOnlyList<SourceKey> Moved,
    IReadOnlyList<AssetState> Before,
    IReadOnlyList<AssetState> After,
    string Who,
    string Reason);

/// <summary>A catalog tells its own coins apart: an asset holds at most one id of each catalog source.</summary>
public static class OneIdPerCatalog
{
    /// <summary>The ids that break the rule when held together, grouped by catalog source; empty when none does.</summary>
    public static IReadOnlyList<IReadOnlyList<SourceKey>> Violations(IEnumerable<SourceKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return [.. keys.Distinct()
            .Where(k => Markets.SourceNames.IsCatalog(k.Source))
            .GroupBy(k => k.Source, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<SourceKey>)g.OrderBy(k => k.SourceAssetId, StringComparer.Ordinal).ToList())];
    }
}
