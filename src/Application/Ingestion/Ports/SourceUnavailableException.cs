namespace Kasparro.Application.Ingestion.Ports;

/// <summary>
/// A source stopped answering (retries exhausted, circuit open, truncated body). What was committed stays with its
/// checkpoint and the run ends partial, or failed when nothing was committed.
/// </summary>
public sealed class SourceUnavailableException : Exception
{
    public SourceUnavailableException()
    {
    }

    public SourceUnavailableException(string message)
        : base(message)
    {
    }

    public SourceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
