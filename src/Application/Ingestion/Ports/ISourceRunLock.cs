namespace Kasparro.Application.Ingestion.Ports;

/// <summary>One run per source at a time, across every process sharing the database.</summary>
public interface ISourceRunLock
{
    /// <summary>The held lock, released on dispose; <c>null</c> when another run of the source holds it.</summary>
    Task<IAsyncDisposable?> TryAcquireAsync(string source, CancellationToken cancellationToken);
}
