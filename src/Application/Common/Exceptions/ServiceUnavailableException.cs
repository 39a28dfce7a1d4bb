namespace Kasparro.Application.Common.Exceptions;

/// <summary>A dependency the request needs (the database) cannot be reached right now: the API answers 503.</summary>
public sealed class ServiceUnavailableException : Exception
{
    public ServiceUnavailableException()
        : this("The database is unavailable.")
    {
    }

    public ServiceUnavailableException(string message)
        : base(message)
    {
    }

    public ServiceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
