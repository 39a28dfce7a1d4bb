namespace Kasparro.Application.Changes.Ports;

/// <summary>The version of the stored data (see <see cref="DataVersion"/>), and how a writer moves it on.</summary>
public interface IDataVersion
{
    /// <summary>The version reads see now: never older than the last change this process stored or heard of.</summary>
    ValueTask<DataVersion> CurrentAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Moves the version on after a change that was stored without doing so itself. The stores that change data move it
    /// with the change itself, which is better: then no read can see the change under the version before it.
    /// </summary>
    Task ChangedAsync(CancellationToken cancellationToken);
}
