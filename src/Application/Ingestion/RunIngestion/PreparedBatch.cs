using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;

namespace Kasparro.Application.Ingestion.RunIngestion;

/// <summary>
/// A batch checked against the data rules but not yet resolved to assets: the reading side prepares it while the
/// writing side commits the one before.
/// </summary>
internal sealed class PreparedBatch
{
    public List<RawRecord> Raw { get; } = [];

    public List<NormalizedRecord> Valid { get; } = [];

    public List<Rejection> Rejections { get; } = [];

    public List<SourceSchemaDrift> Drift { get; } = [];

    public Dictionary<string, Checkpoint> Checkpoints { get; } = new(StringComparer.Ordinal);

    /// <summary>Records read in this batch (loaded, skipped or rejected), the skipped ones included.</summary>
    public long Read { get; set; }

    public int RecordCount => Raw.Count;

    public bool IsEmpty => Read == 0 && Drift.Count == 0 && Checkpoints.Count == 0;
}
