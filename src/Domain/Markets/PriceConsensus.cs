namespace Kasparro.Domain.Markets;

/// <summary>
/// What several sources agree an asset costs: the median of their prices (the mean of the middle two for an even
/// count, exact in decimal), the lowest and highest, and the spread between them in USD and as a percentage of the
/// median. One price is its own consensus with a spread of zero.
/// </summary>
public sealed record PriceConsensus(decimal MedianUsd, decimal MinUsd, decimal MaxUsd, decimal SpreadUsd, decimal SpreadPercent, int Sources)
{
    /// <summary>The consensus of the given prices, or null when there are none. Prices must be positive.</summary>
    public static PriceConsensus? Of(IEnumerable<decimal> prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        var sorted = prices.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        if (sorted[0] <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(prices), "prices must be positive");
        }

        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        var spread = sorted[^1] - sorted[0];
        var percent = decimal.Round(spread / median * 100m, 4, MidpointRounding.AwayFromZero);
        return new PriceConsensus(median, sorted[0], sorted[^1], spread, percent, sorted.Length);
    }
}
