namespace Kasparro.Application.Common.Exceptions;

/// <summary>
/// The request cannot be carried out in the current state (a source is already running): the API answers 409 with
/// <see cref="Details"/> as the problem's extra members.
/// </summary>
public sealed class ConflictException : Exception
{
    public ConflictException()
        : this("The request conflicts with the current state.")
    {
    }

    public ConflictException(string message)
        : this(message, new Dictionary<string, object?>())
    {
    }

    public ConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
        Details = new Dictionary<string, object?>();
    }

    public ConflictException(string message, IReadOnlyDictionary<string, object?> details)
        : base(message)
    {
        Details = details;
    }

    public IReadOnlyDictionary<string, object?> Details { get; }
}
