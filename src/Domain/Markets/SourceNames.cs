namespace Kasparro.Domain.Markets;

/// <summary>The sources the platform knows. Names are lower-case and stable: they are stored and part of the API.</summary>
public static class SourceNames
{
    public const string CoinPaprika = "coinpaprika";
    public const string CoinGecko = "coingecko";
    public const string Csv = "csv";

    public static IReadOnlyList<string> All { get; } = [CoinPaprika, CoinGecko, Csv];

    public static bool IsKnown(string? name) => name is not null && All.Contains(name, StringComparer.Ordinal);
}
