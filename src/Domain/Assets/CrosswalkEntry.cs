namespace Kasparro.Domain.Assets;

/// <summary>A curated row: this source id belongs to the coin the crosswalk calls <paramref name="CanonicalKey"/>.</summary>
public sealed record CrosswalkEntry(string CanonicalKey, SourceKey Key);
