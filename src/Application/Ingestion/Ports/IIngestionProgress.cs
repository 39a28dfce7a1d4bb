using Kasparro.Domain.Ingestion;

namespace Kasparro.Application.Ingestion.Ports;

/// <summary>Hears about committed batches (the CLI draws a progress bar from it). The default hears nothing.</summary>
public interface IIngestionProgress
{
    void BatchCommitted(string source, Guid runId, RunCounts total);
}

public sealed class NoIngestionProgress : IIngestionProgress
{
    public void BatchCommitted(string source, Guid runId, RunCounts total)
    {
    }
}
