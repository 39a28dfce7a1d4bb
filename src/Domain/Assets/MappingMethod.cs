namespace Kasparro.Domain.Assets;

/// <summary>How a (source, source asset id) was tied to its canonical asset. Stored as the text in <see cref="MappingMethods"/>.</summary>
public enum MappingMethod
{
    /// <summary>The curated crosswalk names this source id beside another already mapped.</summary>
    Crosswalk,

    /// <summary>The same ticker with a similar normalized name; the similarity is the confidence.</summary>
    SymbolAndName,

    /// <summary>A record without a name (a per-coin export) took the primary asset of its ticker.</summary>
    Symbol,

    /// <summary>Nothing matched: a new asset.</summary>
    New,

    /// <summary>An operator moved it (a split or a merge); no automatic run ever moves it again.</summary>
    Manual,
}

public static class MappingMethods
{
    public static string ToText(this MappingMethod method) => method switch
    {
        MappingMethod.Crosswalk => "crosswalk",
        MappingMethod.SymbolAndName => "symbol+name",
        MappingMethod.Symbol => "symbol",
        MappingMethod.New => "new",
        MappingMethod.Manual => "manual",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    public static MappingMethod Parse(string text) => text switch
    {
        "crosswalk" => MappingMethod.Crosswalk,
        "symbol+name" => MappingMethod.SymbolAndName,
        "symbol" => MappingMethod.Symbol,
        "new" => MappingMethod.New,
        "manual" => MappingMethod.Manual,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, "unknown mapping method"),
    };
}
