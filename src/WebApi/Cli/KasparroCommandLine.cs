using System.CommandLine;
using System.CommandLine.Invocation;

namespace Kasparro.WebApi.Cli;

/// <summary>
/// The command line (System.CommandLine): <c>serve</c> (the default), <c>ingest</c> and <c>migrate</c>, with generated
/// <c>--help</c> and <c>--version</c>. A parse error exits 2 with one line on stderr; what a verb throws becomes one line
/// too (see <see cref="CliError"/>). Ctrl+C or SIGTERM cancels a one-shot verb, which stops at a batch boundary and exits
/// 1; <c>serve</c> leaves the signals to the web host's own shutdown.
/// </summary>
public sealed class KasparroCommandLine
{
    private readonly RootCommand root;
    private readonly Command serve;
    private readonly TextWriter output;
    private readonly TextWriter error;

    /// <param name="serve">Runs the server with the arguments meant for the web host (<c>--urls</c>, ...).</param>
    public KasparroCommandLine(
        Func<string[], Task<int>> serve,
        Func<IngestRequest, CancellationToken, Task<int>> ingest,
        Func<CancellationToken, Task<int>> migrate,
        TextWriter? output = null,
        TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(serve);
        ArgumentNullException.ThrowIfNull(migrate);
        this.output = output ?? Console.Out;
        this.error = error ?? Console.Error;

        this.serve = new Command("serve", """
            Apply pending migrations, run every enabled source once if ETL_ON_STARTUP, run them again every ETL_INTERVAL,
            and serve the HTTP API on PORT until stopped (Ctrl+C, SIGTERM). The default command. Arguments it does not
            know go to the ASP.NET Core host (--urls http://0.0.0.0:9000, --environment Development, ...).
            """)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        Func<ParseResult, CancellationToken, Task<int>> runServe =
            (result, _) => CliError.ReportAsync(() => serve([.. result.UnmatchedTokens]), this.error, CancellationToken.None);
        this.serve.SetAction(runServe);

        var ingestCommand = new IngestCommand(ingest, this.error);
        var migrateCommand = new Command("migrate", "Apply pending database migrations, then exit. Safe to run from several processes at once.");
        migrateCommand.SetAction((_, cancellationToken) => CliError.ReportAsync(() => migrate(cancellationToken), this.error, cancellationToken));

        root = new RootCommand("""
            Kasparro: crypto market data from CoinPaprika, CoinGecko and CSV files, normalized into PostgreSQL and served
            over HTTP. With no command (or only web host options such as --urls) it runs serve.
            """)
        {
            this.serve,
            ingestCommand,
            migrateCommand,
        };

        // The root runs serve too, so that a word that names no command is reported as that, not as a missing command.
        root.SetAction(runServe);
        HelpWithExitCodes.Install(root, new Dictionary<Command, string>
        {
            [root] = """
                  0  the command succeeded (serve: the server was stopped)
                  1  a source failed, ended partial or was busy; the command was interrupted; the database could not be
                     reached or refused the login; anything unexpected (one line on stderr, never a stack trace)
                  2  bad usage or configuration
                """,
            [this.serve] = """
                  0  the server was stopped (Ctrl+C, SIGTERM)
                  1  the database could not be reached or refused the login; anything unexpected
                  2  bad usage or configuration
                """,
            [ingestCommand] = """
                  0  every selected source succeeded
                  1  a source failed, ended partial or was busy (its summary says which); the run was interrupted
                     (Ctrl+C, SIGTERM: it stops at a batch boundary); the database could not be reached
                  2  bad usage or configuration
                """,
            [migrateCommand] = """
                  0  the schema is up to date
                  1  the database could not be reached, refused the login, or refused a migration
                  2  bad usage or configuration
                """,
        });
    }

    public async Task<int> InvokeAsync(IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = root.Parse(WithDefaultVerb(args));
        if (result.Action is ParseErrorAction)
        {
            // The library reports a parse error with the whole help text and exit code 1; this command line keeps
            // 1 for a failed run, so bad usage is one line (the error and where the usage is) and exit code 2.
            var command = result.CommandResult.Command;
            var help = command == root ? $"{RootCommand.ExecutableName} --help" : $"{RootCommand.ExecutableName} {command.Name} --help";
            var errors = result.Errors.Select(e => string.Join(' ', e.Message.Split('\n', StringSplitOptions.TrimEntries)).TrimEnd('.'));
            await error.WriteLineAsync($"error: {string.Join("; ", errors)} (see '{help}')");
            return ExitCodes.Usage;
        }

        return await result.InvokeAsync(
            new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,

                // One-shot verbs: the library cancels the verb's token on Ctrl+C or SIGTERM and waits for it to stop at
                // a batch boundary, however long that takes (its default gives up after 2 s and exits 130).
                ProcessTerminationTimeout = result.CommandResult.Command == serve || result.CommandResult.Command == root ? null : Timeout.InfiniteTimeSpan,
            },
            cancellationToken);
    }

    /// <summary>
    /// System.CommandLine has no default command: arguments that name none (nothing, or web host options such as
    /// <c>--urls</c>) are <c>serve</c>'s. The root's own options (<c>--help</c>, <c>--version</c>) stay the root's.
    /// </summary>
    private IReadOnlyList<string> WithDefaultVerb(IReadOnlyList<string> args)
    {
        if (args.Count > 0 && (!args[0].StartsWith('-') || root.Options.Any(o => o.Name == args[0] || o.Aliases.Contains(args[0]))))
        {
            return args;
        }

        return [serve.Name, .. args];
    }
}
