using Kasparro.Domain.Assets;

namespace Kasparro.Application.Ingestion.Ports;

/// <summary>
/// Where identity decisions are kept: the asset each (source, source asset id) maps to, and what is known of each
/// asset. Infrastructure implements it.
/// </summary>
public interface IIdentityStore
{
    /// <summary>
    /// Decides identities for one batch: reads what is stored about <paramref name="keys"/> (their mappings, and every
    /// source id the crosswalk says is the same coin) and the assets of <paramref name="tickers"/>, hands that to
    /// <paramref name="decide"/>, and stores the assets and mappings it returns. Decisions are taken one at a time
    /// across every source and process, each seeing every decision stored before it, so two sources loading at once
    /// cannot both create the same new asset. Returns <paramref name="decide"/>'s outcome once its decision is stored.
    /// </summary>
    Task<T> DecideAsync<T>(
        IReadOnlyCollection<SourceKey> keys,
        IReadOnlyCollection<string> tickers,
        Func<IdentitySnapshot, IdentityDecision<T>> decide,
        CancellationToken cancellationToken);

    /// <summary>
    /// Stores what known assets learned (a first name, a larger market cap). Storing it again, or after another
    /// process did, changes nothing.
    /// </summary>
    Task StoreLearnedAsync(IReadOnlyCollection<Asset> assets, CancellationToken cancellationToken);

    /// <summary>
    /// The number of the newest operator's correction stored (a split or a merge; 0 when none): it changes whenever a
    /// correction moved mappings, which is when decisions remembered before may no longer hold.
    /// </summary>
    Task<long> LastCorrectionAsync(CancellationToken cancellationToken);
}

/// <summary>What is stored about the identities a batch touches: their mappings, crosswalk rows and candidate assets.</summary>
public sealed record IdentitySnapshot(IReadOnlyList<Asset> Assets, IReadOnlyList<AssetSourceMapping> Mappings, IReadOnlyList<CrosswalkEntry> Crosswalk);

/// <summary>
/// A batch's identity decision: the assets it created or taught something, the mappings it created (each stored with a
/// decision record, from its <paramref name="Evidence"/> when given), and what the decider keeps of it
/// (<paramref name="Outcome"/>).
/// </summary>
public sealed record IdentityDecision<T>(
    T Outcome,
    IReadOnlyCollection<Asset> Assets,
    IReadOnlyCollection<AssetSourceMapping> Mappings,
    IReadOnlyDictionary<SourceKey, MappingEvidence>? Evidence = null);
