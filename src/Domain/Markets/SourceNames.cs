namespace Kasparro.Domain.Markets;

/// <summary>The sources the platform knows. Names are lower-case and stable: they are stored and part of the API.</summary>
public static class SourceNames
{
    public const string CoinPaprika = "coinpaprika";
    public const string CoinGecko = "coingecko";
    public const string Csv = "csv";

    public static IReadOnlyList<string> All { get; } = [CoinPaprika, CoinGecko, Csv];

    /// <summary>
    /// The catalogs: sources that list each coin once under an id of their own, so two of their ids are never one coin.
    /// CSV files are not: files of different origin may name one coin differently.
    /// </summary>
    public static IReadOnlyList<string> Catalogs { get; } = [CoinPaprika, CoinGecko];

    public static bool IsKnown(string? name) => name is not null && All.Contains(name, StringComparer.Ordinal);

    public static bool IsCatalog(string? name) => name is not null && Catalogs.Contains(name, StringComparer.Ordinal);
}
