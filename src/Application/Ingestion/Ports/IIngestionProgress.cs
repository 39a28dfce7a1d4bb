using Kasparro.Domain.Ingestion;

namespace Kasparro.Application.Ingestion.Ports;

/// <summary>Hears how runs go (the CLI draws its progress bars from it). The default hears nothing.</summary>
public interface IIngestionProgress
{
    /// <summary>A batch committed; <paramref name="total"/> holds the run's counts so far.</summary>
    void BatchCommitted(string source, Guid runId, RunCounts total);

    /// <summary>
    /// How far the source has read its input: <paramref name="done"/> of <paramref name="total"/> (<c>null</c> when the
    /// source cannot tell) in <paramref name="unit"/>, such as the bytes of its files or the pages of its listing.
    /// </summary>
    void Advanced(string source, Guid runId, long done, long? total, ProgressUnit unit);
}

/// <summary>What a source counts its reading in.</summary>
public enum ProgressUnit
{
    Bytes,
    Pages,
}

public sealed class NoIngestionProgress : IIngestionProgress
{
    public static NoIngestionProgress Instance { get; } = new();

    public void BatchCommitted(string source, Guid runId, RunCounts total)
    {
    }

    public void Advanced(string source, Guid runId, long done, long? total, ProgressUnit unit)
    {
    }
}
