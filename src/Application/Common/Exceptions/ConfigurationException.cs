namespace Kasparro.Application.Common.Exceptions;

/// <summary>
/// A setting is missing or unusable. Hosts report the message and exit with the usage code; the message names the
/// setting and never carries its value when that value may be a secret.
/// </summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException()
    {
    }

    public ConfigurationException(string message)
        : base(message)
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
