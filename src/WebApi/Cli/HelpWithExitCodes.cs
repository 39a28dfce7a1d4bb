using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Kasparro.WebApi.Cli;

/// <summary>
/// The library's generated help for a command, followed by that command's exit codes and where the configuration
/// comes from. System.CommandLine 2.0 keeps its help layout internal, so the sections are written after its output.
/// </summary>
internal sealed class HelpWithExitCodes(HelpAction help, IReadOnlyDictionary<Command, string> exitCodes) : SynchronousCommandLineAction
{
    private const string Configuration = """
        Configuration:
          Environment variables (DATABASE_URL, SOURCES, CSV_PATH, ETL_INTERVAL, PORT, LOG_FORMAT, ...), or
          appsettings.json beside the executable for the same keys; docs/reference/configuration.md lists them all.
        """;

    public override bool ClearsParseErrors => true;

    /// <summary>Replaces the help option's action of <paramref name="root"/> (which all its commands share).</summary>
    public static void Install(RootCommand root, IReadOnlyDictionary<Command, string> exitCodes)
    {
        var option = root.Options.OfType<HelpOption>().Single();
        option.Action = new HelpWithExitCodes((HelpAction)option.Action!, exitCodes);
    }

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var result = help.Invoke(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        if (exitCodes.TryGetValue(parseResult.CommandResult.Command, out var codes))
        {
            output.WriteLine("Exit codes:");
            output.WriteLine(codes);
            output.WriteLine();
        }

        output.WriteLine(Configuration);
        output.WriteLine();
        return result;
    }
}
