namespace Kasparro.Domain.Assets;

/// <summary>One (source, source asset id) tied to one canonical asset, with how that was decided and how sure it is.</summary>
public sealed record AssetSourceMapping(SourceKey Key, Guid AssetId, MappingMethod Method, decimal Confidence, DateTimeOffset CreatedAt);
