namespace Kasparro.Application.Identity.Ports;

/// <summary>Reads what an operator reviews of identities, and the decision records. Infrastructure implements it.</summary>
public interface IIdentityReviewReader
{
    /// <summary>Mappings whose confidence is below <paramref name="below"/>, least sure first, each with its evidence.</summary>
    Task<IReadOnlyList<ReviewedMapping>> LowConfidenceAsync(decimal below, int limit, CancellationToken cancellationToken);

    /// <summary>Tickers held by several assets, each asset with its mappings and their newest quotes.</summary>
    Task<IReadOnlyList<SharedTicker>> SharedTickersAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Assets whose sources' newest quotes (those within the consensus window of the asset's newest) disagree on price by
    /// more than <paramref name="factor"/> (highest over lowest), widest first.
    /// </summary>
    Task<IReadOnlyList<PriceDisagreement>> PriceDisagreementsAsync(decimal factor, int limit, CancellationToken cancellationToken);

    /// <summary>The decision records about an asset (as the asset, or as the other asset of a split or merge), newest first.</summary>
    Task<IReadOnlyList<IdentityDecisionView>> DecisionsAsync(Guid assetId, int limit, CancellationToken cancellationToken);

    Task<bool> AssetExistsAsync(Guid assetId, CancellationToken cancellationToken);
}
