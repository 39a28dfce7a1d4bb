namespace Kasparro.Domain.Assets;

/// <summary>A record's identity at its source: (source, the source's own id for the asset).</summary>
public readonly record struct SourceKey(string Source, string SourceAssetId)
{
    public override string ToString() => $"{Source}:{SourceAssetId}";
}
