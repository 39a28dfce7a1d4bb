namespace Kasparro.Application.Common.Exceptions;

/// <summary>The request named something that does not exist (an asset, a run): the API answers 404.</summary>
public sealed class NotFoundException : Exception
{
    public NotFoundException()
        : this("The requested resource was not found.")
    {
    }

    public NotFoundException(string message)
        : base(message)
    {
        Resource = "resource";
        Key = string.Empty;
    }

    public NotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        Resource = "resource";
        Key = string.Empty;
    }

    public NotFoundException(string resource, object key)
        : base($"No {resource} '{key}' exists.")
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(key);
        Resource = resource;
        Key = key.ToString() ?? string.Empty;
    }

    public string Resource { get; }

    public string Key { get; }
}
