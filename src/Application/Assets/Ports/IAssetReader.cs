using Ardalis.Specification;
using Kasparro.Application.Assets.GetAssetHistory;

namespace Kasparro.Application.Assets.Ports;

/// <summary>Reads canonical assets with their mappings and each source's latest quote, straight into records.</summary>
public interface IAssetReader
{
    /// <summary>The assets a specification selects, in its order and page, each with its mappings and latest quotes.</summary>
    Task<IReadOnlyList<AssetRecord>> ListAsync(ISpecification<AssetSummary> specification, CancellationToken cancellationToken);

    /// <summary>How many assets the specification's filters select.</summary>
    Task<long> CountAsync(ISpecification<AssetSummary> specification, CancellationToken cancellationToken);

    /// <summary>The assets sharing this ticker (or the ticker this alias stands for), the primary one (largest market cap) first.</summary>
    Task<IReadOnlyList<Guid>> FindByTickerAsync(string ticker, CancellationToken cancellationToken);

    /// <summary>The asset's price series per source, bucketed by the interval (raw: every quote), oldest first.</summary>
    Task<IReadOnlyList<HistoryPoint>> ReadHistoryAsync(Guid assetId, HistorySelection selection, CancellationToken cancellationToken);
}
