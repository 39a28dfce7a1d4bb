using Kasparro.Application.Common.Exceptions;

namespace Kasparro.WebApi.Cli;

/// <summary>How the command line reports a failure: one line on standard error, never a stack trace.</summary>
public static class CliError
{
    /// <summary>
    /// Runs a verb and turns what escapes it into an exit code and one line on <paramref name="error"/>: bad
    /// configuration exits 2; an outage, an interruption or anything else exits 1.
    /// </summary>
    public static async Task<int> ReportAsync(Func<Task<int>> verb, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(verb);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            return await verb();
        }
        catch (ConfigurationException ex)
        {
            await error.WriteLineAsync($"configuration error: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (ServiceUnavailableException ex)
        {
            // An outage, not a bug (the database refused, timed out or went away): one line with its cause, no stack trace.
            await error.WriteLineAsync($"error: {OneLine(ex)}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("error: interrupted before the command finished");
            return ExitCodes.Failure;
        }
#pragma warning disable CA1031 // The last resort of the command line: whatever escaped is reported, not thrown at the operator.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Anything else (a role without the privileges a migration needs, a bug) still gets one line that names it.
            await error.WriteLineAsync($"error: unexpected {ex.GetType().Name}: {OneLine(ex)}");
            return ExitCodes.Failure;
        }
    }

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
