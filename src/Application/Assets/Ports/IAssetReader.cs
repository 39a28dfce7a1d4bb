using Kasparro.Application.Assets.GetAssetHistory;

namespace Kasparro.Application.Assets.Ports;

/// <summary>Reads canonical assets with their mappings and each source's latest quote, straight into views.</summary>
public interface IAssetReader
{
    /// <summary>A page of assets, largest market cap first (then ticker, then id), optionally of some tickers only.</summary>
    Task<IReadOnlyList<AssetRecord>> ListAsync(IReadOnlyList<string> tickers, int limit, int offset, CancellationToken cancellationToken);

    /// <summary>How many assets there are (of those tickers when given).</summary>
    Task<long> CountAsync(IReadOnlyList<string> tickers, CancellationToken cancellationToken);

    /// <summary>The asset with this id, or null.</summary>
    Task<AssetRecord?> FindByIdAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The assets sharing this ticker, the primary one (largest market cap) first.</summary>
    Task<IReadOnlyList<Guid>> FindByTickerAsync(string ticker, CancellationToken cancellationToken);

    /// <summary>The asset's price series per source, bucketed by the interval (raw: every quote), oldest first.</summary>
    Task<IReadOnlyList<HistoryPoint>> ReadHistoryAsync(Guid assetId, HistorySpecification specification, CancellationToken cancellationToken);
}
