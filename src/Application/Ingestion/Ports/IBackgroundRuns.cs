using Kasparro.Application.Ingestion.RunIngestion;

namespace Kasparro.Application.Ingestion.Ports;

/// <summary>
/// Where started runs are completed after the request that started them has been answered. The server's
/// implementation completes them on the host's lifetime: at shutdown a run in flight stops at a batch boundary.
/// </summary>
public interface IBackgroundRuns
{
    /// <summary>Takes ownership of the started run: completes it, then disposes it (releasing the source's lock).</summary>
    void Complete(StartedSourceRun run);
}
