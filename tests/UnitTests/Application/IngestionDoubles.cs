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

/// <summary>Keeps what batches commit, in memory, and counts loaded quotes by their key like the real upsert.</summary>
internal sealed class InMemoryStore : IIngestionStore
{
    public List<IngestionRun> Runs { get; } = [];

    public Dictionary<Guid, RunCounts> Progress { get; } = [];

    public HashSet<(string, string, DateTimeOffset)> QuoteKeys { get; } = [];

    public List<Rejection> Rejections { get; } = [];

    public List<Checkpoint> Checkpoints { get; } = [];

    public List<Asset> Assets { get; } = [];

    public List<AssetSourceMapping> Mappings { get; } = [];

    public int Commits { get; private set; }

    /// <summary>Every commit in order: whether it was a landing, the raw references and the quote keys it committed.</summary>
    public List<(bool Landing, IReadOnlyList<string> Raw, IReadOnlyList<string> Quotes)> CommitLog { get; } = [];

    /// <summary>Identity look-ups made (each one a locked read of mappings, assets and the crosswalk).</summary>
    public int IdentityLoads { get; private set; }

    /// <summary>Every asset written, in order, as it was written (name and market cap at that moment).</summary>
    public List<(Guid Id, decimal? MarketCapUsd)> AssetWrites { get; } = [];

    public int AbandonedToClose { get; set; }

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

    public Task<IIngestionBatch> BeginBatchAsync(CancellationToken cancellationToken) => Task.FromResult<IIngestionBatch>(new Batch(this, landing: false));

    public Task<IIngestionBatch> BeginLandingAsync(CancellationToken cancellationToken) => Task.FromResult<IIngestionBatch>(new Batch(this, landing: true));

    private sealed class Batch(InMemoryStore store, bool landing) : IIngestionBatch
    {
        private readonly List<Action> _pending = [];
        private readonly List<string> _raw = [];
        private readonly List<string> _quotes = [];

        public Task<IdentitySnapshot> LoadIdentityAsync(IReadOnlyCollection<SourceKey> keys, IReadOnlyCollection<string> tickers, CancellationToken cancellationToken)
        {
            store.IdentityLoads++;
            return Task.FromResult(new IdentitySnapshot([.. store.Assets], [.. store.Mappings], []));
        }

        public Task<long> WriteAsync(BatchWrite write, CancellationToken cancellationToken)
        {
            var fresh = write.Quotes.Select(q => (q.Key.Source, q.Key.SourceAssetId, q.ObservedAt)).Distinct().Where(k => !store.QuoteKeys.Contains(k)).ToList();
            var assets = write.Assets.Select(a => (a.Id, a.MarketCapUsd)).ToList();
            _raw.AddRange(write.Raw.Select(r => r.Reference));
            _quotes.AddRange(write.Quotes.Select(q => q.Key.SourceAssetId));
            _pending.Add(() =>
            {
                store.AssetWrites.AddRange(assets);
                store.QuoteKeys.UnionWith(fresh);
                store.Rejections.AddRange(write.Rejections);
                store.Checkpoints.AddRange(write.Checkpoints);
                store.Assets.AddRange(write.Assets.Where(a => store.Assets.All(stored => stored.Id != a.Id)));
                store.Mappings.AddRange(write.Mappings);
            });
            return Task.FromResult((long)fresh.Count);
        }

        public Task AddRunProgressAsync(Guid runId, RunCounts batch, CancellationToken cancellationToken)
        {
            _pending.Add(() => store.Progress[runId] = store.Progress.GetValueOrDefault(runId) + batch);
            return Task.CompletedTask;
        }

        public Task CommitAsync(CancellationToken cancellationToken)
        {
            _pending.ForEach(a => a());
            store.Commits++;
            store.CommitLog.Add((landing, _raw, _quotes));
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
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
