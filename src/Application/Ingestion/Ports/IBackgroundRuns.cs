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

/// <summary>
/// The default outside the server (the CLI verbs have no host lifetime to complete runs on): starting a run in the
/// background is refused, and the started run is closed as failed so its lock is released.
/// </summary>
public sealed class NoBackgroundRuns : IBackgroundRuns
{
    public void Complete(StartedSourceRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        _ = run.DisposeAsync().AsTask();
        throw new InvalidOperationException("Runs can be started in the background only by the server (serve).");
    }
}
