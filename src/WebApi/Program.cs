using System.Runtime.InteropServices;
using Kasparro.Application.Common.Exceptions;
using Kasparro.WebApi.Cli;
using Kasparro.WebApi.Hosting;

var arguments = CliArguments.Parse(args);
if (arguments.Verb == Verb.Help)
{
    (arguments.Error is null ? Console.Out : Console.Error).WriteLine(arguments.Error is null ? CliArguments.Usage : $"error: {arguments.Error}\n\n{CliArguments.Usage}");
    return arguments.Error is null ? ExitCodes.Success : ExitCodes.Usage;
}

// The one-shot verbs stop at a batch boundary on Ctrl+C or SIGTERM; serve has the host's own shutdown.
using var stopping = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    return arguments.Verb switch
    {
        Verb.Migrate => await MigrateVerb.RunAsync(stopping.Token),
        Verb.Ingest => await IngestVerb.RunAsync(arguments, stopping.Token),
        _ => await ServeVerb.RunAsync(arguments.HostArgs),
    };
}
catch (ConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"configuration error: {ex.Message}");
    return ExitCodes.Usage;
}
catch (ServiceUnavailableException ex)
{
    // An outage, not a bug (the database refused, timed out or went away): one line with its cause, no stack trace.
    await Console.Error.WriteLineAsync($"error: {CliError.OneLine(ex)}");
    return ExitCodes.Failure;
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("error: interrupted before the command finished");
    return ExitCodes.Failure;
}
#pragma warning disable CA1031 // The last resort of the command line: whatever escaped is reported, not thrown at the operator.
catch (Exception ex)
#pragma warning restore CA1031
{
    // Anything else (a role without the privileges a migration needs, a bug) still gets one line that names it.
    await Console.Error.WriteLineAsync($"error: unexpected {ex.GetType().Name}: {CliError.OneLine(ex)}");
    return ExitCodes.Failure;
}

void Stop(PosixSignalContext context)
{
    if (arguments.Verb != Verb.Serve)
    {
        context.Cancel = true;
        stopping.Cancel();
    }
}

/// <summary>The entry point, visible to the in-process API tests.</summary>
public partial class Program;
