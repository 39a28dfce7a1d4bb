namespace Kasparro.Infrastructure.Persistence.ReadModels;

// Rows as stored, for reads through KasparroDbContext (no tracking). They are not the domain entities: the write
// path goes through IIngestionStore, and queries project these rows straight into response DTOs.

/// <summary>A row of <c>etl_runs</c>.</summary>
public sealed class EtlRunRow
{
    public Guid Id { get; init; }

    public required string Source { get; init; }

    public required string Trigger { get; init; }

    public required string Status { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public long? DurationMs { get; init; }

    public long ReadCount { get; init; }

    public long LoadedCount { get; init; }

    public long SkippedCount { get; init; }

    public long RejectedCount { get; init; }

    public string? ErrorMessage { get; init; }
}

/// <summary>A row of <c>etl_checkpoints</c>; <see cref="State"/> is the source's JSON.</summary>
public sealed class EtlCheckpointRow
{
    public required string Source { get; init; }

    public required string Stream { get; init; }

    public long Generation { get; init; }

    public long Position { get; init; }

    public long Rows { get; init; }

    public required string State { get; init; }

    public Guid? RunId { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A row of <c>assets</c>, with its source mappings.</summary>
public sealed class AssetRow
{
    public Guid Id { get; init; }

    public required string Ticker { get; init; }

    public string? Name { get; init; }

    public string? NormalizedName { get; init; }

    public decimal? MarketCapUsd { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public ICollection<AssetSourceRow> Sources { get; } = [];
}

/// <summary>A row of <c>asset_sources</c>: one (source, source asset id) and the asset it maps to.</summary>
public sealed class AssetSourceRow
{
    public required string Source { get; init; }

    public required string SourceAssetId { get; init; }

    public Guid AssetId { get; init; }

    public required string Method { get; init; }

    public decimal Confidence { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A row of <c>ticker_aliases</c>: a symbol some sources use (XBT) and the ticker it stands for (BTC).</summary>
public sealed class TickerAliasRow
{
    public required string Alias { get; init; }

    public required string Ticker { get; init; }
}

/// <summary>A row of <c>quotes</c>.</summary>
public sealed class QuoteRow
{
    public required string Source { get; init; }

    public required string SourceAssetId { get; init; }

    public DateTimeOffset ObservedAt { get; init; }

    public Guid AssetId { get; init; }

    public required string Ticker { get; init; }

    public string? Name { get; init; }

    public decimal PriceUsd { get; init; }

    public decimal? MarketCapUsd { get; init; }

    public decimal? Volume24hUsd { get; init; }

    public decimal? PercentChange24h { get; init; }

    public DateTimeOffset SourceUpdatedAt { get; init; }

    public DateTimeOffset IngestedAt { get; init; }

    public Guid RunId { get; init; }
}

/// <summary>A row of <c>rejected_records</c>.</summary>
public sealed class RejectedRecordRow
{
    public long Id { get; init; }

    public Guid RunId { get; init; }

    public required string Source { get; init; }

    public required string SourceReference { get; init; }

    public string? SourceRecordId { get; init; }

    public required byte[] ContentHash { get; init; }

    public string? RawContent { get; init; }

    public byte[]? RawBytes { get; init; }

    public required string[] Reasons { get; init; }

    public DateTimeOffset RejectedAt { get; init; }
}

/// <summary>A row of <c>schema_drift_events</c>.</summary>
public sealed class SchemaDriftEventRow
{
    public long Id { get; init; }

    public required string Source { get; init; }

    public Guid RunId { get; init; }

    public required string Stream { get; init; }

    public required string ExpectedField { get; init; }

    public string? ObservedField { get; init; }

    public decimal Confidence { get; init; }

    public required string Action { get; init; }

    public required string Message { get; init; }

    public DateTimeOffset DetectedAt { get; init; }
}
