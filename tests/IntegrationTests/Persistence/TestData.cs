using System.Security.Cryptography;
using System.Text;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;
using Kasparro.Domain.Quotes;
using Kasparro.Infrastructure.Persistence;
using Kasparro.Infrastructure.Persistence.Ingestion;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>Small builders for what a batch stores, and the way tests store it; every parameter has a sensible default.</summary>
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

    /// <summary>A resolved batch; it read its raw records, or its quotes and rejections when it has more of those.</summary>
    public static ResolvedBatch Batch(
        IReadOnlyList<RawRecord>? raw = null,
        IReadOnlyList<Quote>? quotes = null,
        IReadOnlyList<Rejection>? rejections = null,
        IReadOnlyList<SourceSchemaDrift>? drift = null,
        IReadOnlyList<Checkpoint>? checkpoints = null,
        long? read = null)
    {
        raw ??= [];
        quotes ??= [];
        rejections ??= [];
        return new(raw, quotes, rejections, drift ?? [], checkpoints ?? [], read ?? Math.Max(raw.Count, quotes.Count + rejections.Count));
    }

    /// <summary>Opens a run in the store (batches refer to it).</summary>
    public static async Task<IngestionRun> StartRunAsync(this PostgresIngestionStore store, string source = SourceNames.Csv)
    {
        var run = Run(source);
        await store.AddRunAsync(run, CancellationToken.None);
        return run;
    }

    /// <summary>Stores assets and mappings as one identity decision does.</summary>
    public static Task StoreIdentitiesAsync(this PostgresDatabase database, IReadOnlyCollection<Asset> assets, IReadOnlyCollection<AssetSourceMapping>? mappings = null) =>
        Identities(database).DecideAsync([], [], _ => new IdentityDecision<bool>(true, assets, mappings ?? []), CancellationToken.None);

    public static PostgresIdentityStore Identities(PostgresDatabase database) =>
        new(database, TimeProvider.System, NullLogger<PostgresIdentityStore>.Instance);

    /// <summary>The steps that store <paramref name="run"/>'s batches.</summary>
    public static PostgresBatchSteps Steps(this PostgresDatabase database, IngestionRun run) =>
        new(database, run.Source, run.Id, TimeProvider.System, NullLogger.Instance);

    /// <summary>
    /// Stores one batch of <paramref name="run"/> through the steps a run's pipeline takes, one after the other: its raw
    /// records land, then its rows are written and committed with its checkpoints and counts. Returns the quotes loaded.
    /// </summary>
    public static async Task<long> StoreBatchAsync(this PostgresDatabase database, IngestionRun run, ResolvedBatch batch)
    {
        var steps = database.Steps(run);
        if (batch.Raw.Count > 0)
        {
            await steps.LandAsync(batch.Raw, CancellationToken.None);
        }

        await using var written = await steps.WriteAsync(batch, CancellationToken.None);
        await written.CommitAsync(batch.Checkpoints, batch.CountsWith(written.Loaded), CancellationToken.None);
        return written.Loaded;
    }
}
