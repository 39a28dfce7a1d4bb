using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Quotes;

namespace Kasparro.Application.Ingestion.RunIngestion;

/// <summary>
/// Turns a batch's valid records into quotes of their canonical assets (decision 3). When the
/// <see cref="IdentityCache"/> knows every key, from there: the store hears only what an asset learned (a name, a
/// larger market cap). Otherwise through a decision of the <see cref="IIdentityStore"/>, which stores new assets and
/// mappings at once so the next batch (of any source) sees them, and teaches the cache. Assets without quotes, should
/// the batch not be stored later, are harmless: a rerun maps to them again.
/// </summary>
public sealed class BatchIdentities(IIdentityStore store, IdentityCache cache, IngestionSettings settings, TimeProvider time)
{
    internal async Task<IReadOnlyList<Quote>> ResolveAsync(string source, IReadOnlyList<NormalizedRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return [];
        }

        var now = time.GetUtcNow();
        var keys = records.Select(r => new SourceKey(source, r.SourceAssetId)).ToHashSet();
        if (cache.TrySnapshot(keys) is { } known)
        {
            var cached = Resolver(known);
            var quotes = Resolve(source, records, cached, now);
            if (cached.ChangedAssets.Count > 0)
            {
                await store.StoreLearnedAsync(cached.ChangedAssets, cancellationToken);
                cache.Remember([], cached.ChangedAssets);
            }

            return quotes;
        }

        var tickers = records.Select(r => r.Ticker.Value).ToHashSet(StringComparer.Ordinal);
        var decided = await store.DecideAsync(keys, tickers, snapshot =>
        {
            var resolver = Resolver(snapshot);
            var quotes = Resolve(source, records, resolver, now);
            var learned = new Learned([.. snapshot.Mappings, .. resolver.CreatedMappings], [.. snapshot.Assets, .. resolver.CreatedAssets], quotes);
            return new IdentityDecision<Learned>(learned, resolver.ChangedAssets, resolver.CreatedMappings, resolver.Evidence);
        }, cancellationToken);
        cache.Remember(decided.Mappings, decided.Assets);
        return decided.Quotes;
    }

    /// <summary>Forgets every decision seen: the database may no longer hold what the cache remembers.</summary>
    internal void Forget() => cache.Clear();

    /// <summary>
    /// Forgets every decision seen when an operator corrected identities since the cache last looked (in any process).
    /// A run calls it first, holding its source's run lock: no correction moves a key of a source being run, so the
    /// cache holds for that source until the run ends.
    /// </summary>
    internal async Task RefreshAsync(CancellationToken cancellationToken) =>
        cache.Align(await store.LastCorrectionAsync(cancellationToken));

    private IdentityResolver Resolver(IdentitySnapshot snapshot) =>
        new(snapshot.Assets, snapshot.Mappings, snapshot.Crosswalk, settings.NameSimilarityThreshold);

    private static List<Quote> Resolve(string source, IReadOnlyList<NormalizedRecord> records, IdentityResolver resolver, DateTimeOffset now)
    {
        var quotes = new List<Quote>(records.Count);
        foreach (var record in records)
        {
            var key = new SourceKey(source, record.SourceAssetId);
            var resolution = resolver.Resolve(new IdentityCandidate(key, record.Ticker, record.Name, record.MarketCapUsd), () => Guid.CreateVersion7(now), now);
            quotes.Add(new Quote(
                resolution.AssetId, record.Ticker, record.Name, key, record.PriceUsd, record.MarketCapUsd, record.Volume24hUsd,
                record.PercentChange24h, record.ObservedAt, record.SourceUpdatedAt));
        }

        return quotes;
    }

    /// <summary>What a decision taught: the mappings and assets (as they now stand) to remember, and the batch's quotes.</summary>
    private sealed record Learned(IReadOnlyList<AssetSourceMapping> Mappings, IReadOnlyList<Asset> Assets, IReadOnlyList<Quote> Quotes);
}
