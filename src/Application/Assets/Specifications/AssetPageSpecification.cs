using Ardalis.Specification;

namespace Kasparro.Application.Assets.Specifications;

/// <summary>
/// A page of <c>/v1/assets</c>: the assets of some tickers (all when none), largest market cap first (those without
/// one last), then by ticker and id, so the order is total and offsets are stable.
/// </summary>
public sealed class AssetPageSpecification : Specification<AssetSummary>
{
    public AssetPageSpecification(IReadOnlyList<string> tickers, int limit, int offset)
    {
        ArgumentNullException.ThrowIfNull(tickers);
        var wanted = tickers.ToArray();
        Query.Where(a => wanted.Contains(a.Ticker), wanted.Length > 0)
            .OrderBy(a => a.MarketCapUsd == null)
            .ThenByDescending(a => a.MarketCapUsd)
            .ThenBy(a => a.Ticker)
            .ThenBy(a => a.Id);
        Query.Skip(offset).Take(limit);
    }
}

/// <summary>The one asset with this id (none when it does not exist).</summary>
public sealed class AssetByIdSpecification : Specification<AssetSummary>
{
    public AssetByIdSpecification(Guid id) => Query.Where(a => a.Id == id);
}
