using System.Security.Cryptography;
using System.Text;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;
using Kasparro.Domain.Quotes;
using Kasparro.Infrastructure.Persistence;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>Small builders for what a batch writes; every parameter has a sensible default.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static IngestionRun Run(string source = SourceNames.Csv, DateTimeOffset? startedAt = null) =>
        IngestionRun.Start(Guid.CreateVersion7(), source, RunTrigger.Cli, startedAt ?? DateTimeOffset.UtcNow);

    public static Asset Asset(string ticker = "BTC", string? name = "Bitcoin", decimal? marketCap = null) =>
        new(Guid.CreateVersion7(), Ticker.FromStored(ticker), name, marketCap, T0);

    public static AssetSourceMapping Mapping(Asset asset, string sourceAssetId, string source = SourceNames.Csv, MappingMethod method = MappingMethod.New, decimal confidence = 1m) =>
        new(new SourceKey(source, sourceAssetId), asset.Id, method, confidence, T0);

    public static Quote Quote(
        Asset asset,
        string sourceAssetId,
        decimal price = 100m,
        DateTimeOffset? observedAt = null,
        DateTimeOffset? sourceUpdatedAt = null,
        string source = SourceNames.Csv,
        decimal? marketCap = null) =>
        new(asset.Id, asset.Ticker, asset.Name, new SourceKey(source, sourceAssetId), price, marketCap, null, null,
            observedAt ?? T0, sourceUpdatedAt ?? observedAt ?? T0);

    /// <summary>A payload as a source makes it: JSON, or the bytes of a record that is not valid text.</summary>
    public static RawPayload Payload(string? json, byte[]? bytes = null) =>
        new(json, bytes is null ? default(ReadOnlyMemory<byte>?) : bytes, SHA256.HashData(bytes ?? Encoding.UTF8.GetBytes(json ?? string.Empty)), T0);

    public static RawRecord Raw(string json, string reference = "file.csv:2", string? recordId = null) =>
        new(reference, recordId, Payload(json));

    public static Rejection Rejection(string json, params string[] reasons) =>
        new("file.csv:9", null, Payload(json), reasons);

    public static Checkpoint Checkpoint(string stream, long generation, long position, string source = SourceNames.Csv, string state = "{}") =>
        new(source, stream, generation, position, position / 10, state);

    public static BatchWrite Write(
        IngestionRun run,
        IReadOnlyList<RawRecord>? raw = null,
        IReadOnlyList<Asset>? assets = null,
        IReadOnlyList<AssetSourceMapping>? mappings = null,
        IReadOnlyList<Quote>? quotes = null,
        IReadOnlyList<Rejection>? rejections = null,
        IReadOnlyList<SourceSchemaDrift>? drift = null,
        IReadOnlyList<Checkpoint>? checkpoints = null) =>
        new(run.Source, run.Id, DateTimeOffset.UtcNow, raw ?? [], assets ?? [], mappings ?? [], quotes ?? [], rejections ?? [], drift ?? [], checkpoints ?? []);

    /// <summary>Opens a run in the store (batches refer to it).</summary>
    public static async Task<IngestionRun> StartRunAsync(this PostgresIngestionStore store, string source = SourceNames.Csv)
    {
        var run = Run(source);
        await store.AddRunAsync(run, CancellationToken.None);
        return run;
    }

    /// <summary>Writes and commits one batch in a fresh transaction, as the runner's data transaction does.</summary>
    public static async Task<long> WriteFreshAsync(this PostgresIngestionStore store, BatchWrite write)
    {
        await using var batch = await store.BeginBatchAsync(CancellationToken.None);
        var loaded = await batch.WriteAsync(write, CancellationToken.None);
        await batch.CommitAsync(CancellationToken.None);
        return loaded;
    }
}
