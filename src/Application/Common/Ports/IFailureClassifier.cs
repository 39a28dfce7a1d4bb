namespace Kasparro.Application.Common.Ports;

/// <summary>
/// Tells an outage (the database could not be reached, or stopped answering) from a bug. Infrastructure knows the data-access
/// library's exceptions; the Application only asks.
/// </summary>
public interface IFailureClassifier
{
    bool IsUnavailable(Exception exception);
}

/// <summary>The default when no infrastructure is registered: nothing is an outage.</summary>
public sealed class NoFailureClassifier : IFailureClassifier
{
    public bool IsUnavailable(Exception exception) => false;
}
