using Kasparro.Domain.Markets;

namespace Kasparro.Domain.Assets;

/// <summary>
/// A canonical asset: the identity the platform owns. Several sources map onto it. Among assets sharing a ticker,
/// the one with the largest known market cap is the primary one for ticker lookups.
/// </summary>
public sealed class Asset
{
    public Asset(Guid id, Ticker ticker, string? name, decimal? marketCapUsd, DateTimeOffset createdAt)
    {
        Id = id;
        Ticker = ticker;
        Name = name;
        NormalizedName = name is null ? null : NameSimilarity.Normalize(name);
        MarketCapUsd = marketCapUsd;
        CreatedAt = createdAt;
    }

    public Guid Id { get; }

    public Ticker Ticker { get; }

    public string? Name { get; private set; }

    public string? NormalizedName { get; private set; }

    public decimal? MarketCapUsd { get; private set; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>An asset first seen without a name takes the first name a later record gives it.</summary>
    public bool AdoptName(string name)
    {
        if (Name is not null || string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        Name = name;
        NormalizedName = NameSimilarity.Normalize(name);
        return true;
    }

    /// <summary>Keeps the largest market cap seen: it decides which asset is primary for a shared ticker.</summary>
    public bool ObserveMarketCap(decimal? marketCapUsd)
    {
        if (marketCapUsd is > 0m && (MarketCapUsd is null || marketCapUsd > MarketCapUsd))
        {
            MarketCapUsd = marketCapUsd;
            return true;
        }

        return false;
    }
}
