using Kasparro.Domain.Assets;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Ingestion;

/// <summary>How ingestion runs: which sources <c>all</c> means, the batch size, the identity threshold.</summary>
public sealed record IngestionSettings
{
    public const int DefaultBatchSize = 5_000;
    public const int MaxBatchSize = 100_000;

    public IReadOnlyList<string> EnabledSources { get; init; } = SourceNames.All;

    /// <summary>Records per batch: each batch is stored with its checkpoint, whole or not at all.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    public decimal NameSimilarityThreshold { get; init; } = IdentityResolver.DefaultNameThreshold;
}
