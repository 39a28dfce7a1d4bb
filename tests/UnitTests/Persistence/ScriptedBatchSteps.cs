using System.Security.Cryptography;
using System.Text;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;
using Kasparro.Domain.Quotes;
using Kasparro.Infrastructure.Persistence.Ingestion;

namespace Kasparro.UnitTests.Persistence;

/// <summary>
/// Batch steps that log what they do. A step completes at once unless the test holds it (a landing or a commit, by the
/// batch's label: its raw references joined by spaces) or makes it fail (a write).
/// </summary>
internal sealed class ScriptedBatchSteps : IBatchSteps
{
    private readonly Lock _lock = new();
    private readonly List<string> _events = [];
    private readonly List<(bool Landing, IReadOnlyList<string> Raw, IReadOnlyList<string> Quotes)> _commits = [];

    public Dictionary<string, TaskCompletionSource> HeldLandings { get; } = [];

    public Dictionary<string, TaskCompletionSource> HeldCommits { get; } = [];

    public Dictionary<string, Exception> FailingWrites { get; } = [];

    /// <summary>A copy of what happened, in order: "landing A", "landed A", "written A", "committed A", "rolled back A".</summary>
    public List<string> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>A copy of every commit in order: whether it was a landing, the raw references and the quote ids it committed.</summary>
    public List<(bool Landing, IReadOnlyList<string> Raw, IReadOnlyList<string> Quotes)> CommitLog
    {
        get
        {
            lock (_lock)
            {
                return [.. _commits];
            }
        }
    }

    /// <summary>A batch of CSV records: one raw record per content (its reference the label's part), one quote per id.</summary>
    public static ResolvedBatch Batch(string[] references, string[] contents, params string[] quoteIds)
    {
        var raw = references.Zip(contents, (reference, content) => new RawRecord(reference, null, Payload(content)));
        var quotes = quoteIds.Select(id => new Quote(
            Guid.Empty, Ticker.FromStored("BTC"), null, new Kasparro.Domain.Assets.SourceKey(SourceNames.Csv, id), 1m, null, null, null,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
        return ResolvedBatch.Empty with { Raw = [.. raw], Quotes = [.. quotes], Read = references.Length };
    }

    /// <summary>A batch labelled <paramref name="label"/>, one record of content <paramref name="content"/>.</summary>
    public static ResolvedBatch Batch(string label, string content, params string[] quoteIds) => Batch([label], [content], quoteIds);

    /// <summary>A batch labelled <paramref name="label"/> whose one record, of content <paramref name="content"/>, is rejected.</summary>
    public static ResolvedBatch Rejecting(string label, string content) =>
        Batch([label], [content]) with { Rejections = [new Rejection(label, null, Payload(content), ["price is missing"])] };

    private static RawPayload Payload(string content) =>
        new(content, null, SHA256.HashData(Encoding.UTF8.GetBytes(content)), DateTimeOffset.UnixEpoch);

    public async Task LandAsync(IReadOnlyList<RawRecord> raw, CancellationToken cancellationToken)
    {
        var label = LabelOf(raw);
        Log($"landing {label}");
        if (HeldLandings.TryGetValue(label, out var held))
        {
            await held.Task;
        }

        lock (_lock)
        {
            _commits.Add((true, [.. raw.Select(r => r.Reference)], []));
            _events.Add($"landed {label}");
        }
    }

    public Task<IWrittenBatch> WriteAsync(ResolvedBatch batch, CancellationToken cancellationToken)
    {
        var label = LabelOf(batch.Raw);
        if (FailingWrites.TryGetValue(label, out var failure))
        {
            return Task.FromException<IWrittenBatch>(failure);
        }

        Log($"written {label}");
        return Task.FromResult<IWrittenBatch>(new Written(this, label, batch));
    }

    private static string LabelOf(IReadOnlyList<RawRecord> raw) => string.Join(' ', raw.Select(r => r.Reference));

    private void Log(string text)
    {
        lock (_lock)
        {
            _events.Add(text);
        }
    }

    private sealed class Written(ScriptedBatchSteps steps, string label, ResolvedBatch batch) : IWrittenBatch
    {
        private bool _committed;

        public long Loaded => batch.Quotes.Count;

        public async Task CommitAsync(IReadOnlyList<Checkpoint> checkpoints, RunCounts counts, CancellationToken cancellationToken)
        {
            if (steps.HeldCommits.TryGetValue(label, out var held))
            {
                await held.Task;
            }

            lock (steps._lock)
            {
                steps._commits.Add((false, [], [.. batch.Quotes.Select(q => q.Key.SourceAssetId)]));
                steps._events.Add($"committed {label}");
            }

            _committed = true;
        }

        public ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                steps.Log($"rolled back {label}");
            }

            return ValueTask.CompletedTask;
        }
    }
}
