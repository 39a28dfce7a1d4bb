namespace Kasparro.WebApi.Cli;

/// <summary>How the command line reports a failure: one line on standard error, never a stack trace.</summary>
public static class CliError
{
    /// <summary>
    /// An exception and its causes on one line (<c>The database is unavailable: Failed to connect to 127.0.0.1:5432:
    /// Connection refused</c>). Npgsql's messages name the host and the user, never the password.
    /// </summary>
    public static string OneLine(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var parts = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            var message = current.Message.Trim().TrimEnd('.');
            if (message.Length > 0 && !parts.Contains(message, StringComparer.Ordinal))
            {
                parts.Add(message);
            }
        }

        return string.Join(": ", parts);
    }
}
