using System.Runtime.CompilerServices;
using System.Text;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;

namespace Kasparro.UnitTests.Application;

/// <summary>A source that yields the items it was given, optionally failing after some of them.</summary>
internal sealed class ScriptedSource(string name, IReadOnlyList<SourceItem> items, Exception? failAfterItems = null) : IIngestionSource
{
    public string Name => name;

    public int? PreferredBatchSize { get; init; }

    public SourceReadContext? LastContext { get; private set; }

    public async IAsyncEnumerable<SourceItem> ReadAsync(SourceReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        LastContext = context;
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return item;
        }

        if (failAfterItems is not null)
        {
            throw failAfterItems;
        }
    }

    public static SourceRecord Record(int row, string symbol = "BTC", string? price = "100", params string[] problems) =>
        Record(row, symbol, price, marketCap: null, problems);

    public static SourceRecord Record(int row, string symbol, string? price, decimal? marketCap, params string[] problems)
    {
        var observed = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(row);
        var json = $$"""{"row":{{row}},"symbol":"{{symbol}}"}""";
        var fields = new RecordFields(null, symbol, "Bitcoin", price is null ? null : decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), marketCap, null, null, observed, observed);
        return new SourceRecord(
            "file.csv", $"file.csv:{row + 1}", null,
            new RawPayload(json, null, Encoding.UTF8.GetBytes(json), observed),
            fields, problems, new Checkpoint("csv", "file.csv", 0, row * 10L + 10, row + 1, "{}"));
    }
}

/// <summary>
/// Keeps runs, identities and stored batches in memory, and counts loaded quotes by their key like the real upsert.
/// Its sink stores a batch once the next one is handed over, or at a flush or a dispose: one batch is in flight.
/// </summary>
internal sealed class InMemoryStore : IIngestionStore, IIdentityStore, IBatchStore
{
    public List<IngestionRun> Runs { get; } = [];

    public Dictionary<Guid, RunCounts> Progress { get; } = [];

    public HashSet<(string, string, DateTimeOffset)> QuoteKeys { get; } = [];

    public List<Rejection> Rejections { get; } = [];

    public List<Checkpoint> Checkpoints { get; } = [];

    public List<Asset> Assets { get; } = [];

    public List<AssetSourceMapping> Mappings { get; } = [];

    /// <summary>Every batch stored, in order: its raw references and the source asset ids of its quotes.</summary>
    public List<(IReadOnlyList<string> Raw, IReadOnlyList<string> Quotes)> StoredBatches { get; } = [];

    /// <summary>Identity decisions taken (each one a read of mappings, assets and the crosswalk).</summary>
    public int IdentityLoads { get; private set; }

    /// <summary>Every asset written, in order, as it was written (name and market cap at that moment).</summary>
    public List<(Guid Id, decimal? MarketCapUsd)> AssetWrites { get; } = [];

    public int AbandonedToClose { get; set; }

    /// <summary>The newest correction's number, as <see cref="IIdentityStore.LastCorrectionAsync"/> reads it.</summary>
    public long LastCorrection { get; set; }

    /// <summary>Every quote stored: its source asset id and the asset it was resolved to.</summary>
    public List<(string SourceAssetId, Guid AssetId)> QuoteAssets { get; } = [];

    public Task<IReadOnlyList<Checkpoint>> GetCheckpointsAsync(string source, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Checkpoint>>(Checkpoints.GroupBy(c => c.Stream).Select(g => g.Last()).ToList());

    public Task<TickerAliases> GetTickerAliasesAsync(CancellationToken cancellationToken) => Task.FromResult(new TickerAliases([new("XBT", "BTC")]));

    public Task<IngestionRun?> FindRunningRunAsync(string source, CancellationToken cancellationToken) =>
        Task.FromResult(Runs.LastOrDefault(r => r.Source == source && !r.IsFinished));

    public Task<int> CloseAbandonedRunsAsync(string source, DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(AbandonedToClose);

    public Task AddRunAsync(IngestionRun run, CancellationToken cancellationToken)
    {
        Runs.Add(run);
        return Task.CompletedTask;
    }

    public Task SaveRunAsync(IngestionRun run, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<T> DecideAsync<T>(
        IReadOnlyCollection<SourceKey> keys, IReadOnlyCollection<string> tickers, Func<IdentitySnapshot, IdentityDecision<T>> decide, CancellationToken cancellationToken)
    {
        IdentityLoads++;
        var decision = decide(new IdentitySnapshot([.. Assets], [.. Mappings], []));
        StoreAssets(decision.Assets);
        Mappings.AddRange(decision.Mappings);
        return Task.FromResult(decision.Outcome);
    }

    public Task StoreLearnedAsync(IReadOnlyCollection<Asset> assets, CancellationToken cancellationToken)
    {
        StoreAssets(assets);
        return Task.CompletedTask;
    }

    public Task<long> LastCorrectionAsync(CancellationToken cancellationToken) => Task.FromResult(LastCorrection);

    public IBatchSink Open(string source, Guid runId, Action<RunCounts> stored) => new Sink(this, runId, stored);

    private void StoreAssets(IEnumerable<Asset> assets)
    {
        foreach (var asset in assets)
        {
            AssetWrites.Add((asset.Id, asset.MarketCapUsd));
            if (Assets.All(stored => stored.Id != asset.Id))
            {
                Assets.Add(asset);
            }
        }
    }

    private sealed class Sink(InMemoryStore store, Guid runId, Action<RunCounts> stored) : IBatchSink
    {
        private ResolvedBatch? _inFlight;

        public Task WriteAsync(ResolvedBatch batch, CancellationToken cancellationToken)
        {
            StoreInFlight();
            _inFlight = batch;
            return Task.CompletedTask;
        }

        public Task FlushAsync(CancellationToken cancellationToken)
        {
            StoreInFlight();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            StoreInFlight();
            return ValueTask.CompletedTask;
        }

        private void StoreInFlight()
        {
            if (_inFlight is not { } batch)
            {
                return;
            }

            _inFlight = null;
            var fresh = batch.Quotes.Select(q => (q.Key.Source, q.Key.SourceAssetId, q.ObservedAt)).Distinct().Where(k => !store.QuoteKeys.Contains(k)).ToList();
            var counts = batch.CountsWith(fresh.Count);
            store.QuoteKeys.UnionWith(fresh);
            store.Rejections.AddRange(batch.Rejections);
            store.Checkpoints.AddRange(batch.Checkpoints);
            store.Progress[runId] = store.Progress.GetValueOrDefault(runId) + counts;
            store.StoredBatches.Add(([.. batch.Raw.Select(r => r.Reference)], [.. batch.Quotes.Select(q => q.Key.SourceAssetId)]));
            store.QuoteAssets.AddRange(batch.Quotes.Select(q => (q.Key.SourceAssetId, q.AssetId)));
            stored(counts);
        }
    }
}

internal sealed class SwitchableLock : ISourceRunLock
{
    public bool Busy { get; set; }

    public Task<IAsyncDisposable?> TryAcquireAsync(string source, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable?>(Busy ? null : new Lease());

    private sealed class Lease : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
