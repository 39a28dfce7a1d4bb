using System.CommandLine;
using Kasparro.Application.Common.Exceptions;
using Kasparro.WebApi.Cli;

namespace Kasparro.UnitTests.WebApi.Cli;

/// <summary>The command line's parsing, help and exit codes, with the verbs replaced by recorders.</summary>
public sealed class KasparroCommandLineTests
{
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private string[]? _served;
    private IngestRequest? _ingested;
    private bool _migrated;
    private Func<Task<int>> _ingestOutcome = () => Task.FromResult(ExitCodes.Success);

    private KasparroCommandLine CommandLine() => new(
        serve: args =>
        {
            _served = args;
            return Task.FromResult(ExitCodes.Success);
        },
        ingest: (request, _) =>
        {
            _ingested = request;
            return _ingestOutcome();
        },
        migrate: _ =>
        {
            _migrated = true;
            return Task.FromResult(ExitCodes.Success);
        },
        _output,
        _error);

    private string[] ErrorLines => _error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task NoArguments_RunsServe()
    {
        var exit = await CommandLine().InvokeAsync([]);

        exit.ShouldBe(0);
        _served.ShouldBe([]);
    }

    [Theory]
    [InlineData("--urls", "http://127.0.0.1:0")]
    [InlineData("--contentRoot=/srv/app", "--environment=Development", "--applicationName=Kasparro.WebApi")]
    public async Task HostArgumentsWithoutACommand_GoToServeUnchanged(params string[] args)
    {
        var exit = await CommandLine().InvokeAsync(args);

        exit.ShouldBe(0, _error.ToString());
        _served.ShouldBe(args);
    }

    [Fact]
    public async Task Serve_PassesTheArgumentsItDoesNotKnowToTheHost()
    {
        var exit = await CommandLine().InvokeAsync(["serve", "--urls", "http://127.0.0.1:0"]);

        exit.ShouldBe(0, _error.ToString());
        _served.ShouldBe(["--urls", "http://127.0.0.1:0"]);
    }

    [Fact]
    public async Task Ingest_ReadsTypedOptions_AndTheSourceCaseInsensitively()
    {
        var exit = await CommandLine().InvokeAsync(["ingest", "--source", "CSV", "--csv", "data/prices.csv", "--fail-after", "130"]);

        exit.ShouldBe(0, _error.ToString());
        _ingested.ShouldBe(new IngestRequest("csv", "data/prices.csv", 130));
    }

    [Theory]
    [InlineData]
    [InlineData("--source", "all")]
    public async Task Ingest_WithoutASourceOrWithAll_RunsEveryEnabledSource(params string[] options)
    {
        var exit = await CommandLine().InvokeAsync(["ingest", .. options]);

        exit.ShouldBe(0, _error.ToString());
        _ingested.ShouldBe(new IngestRequest(null, null, null));
    }

    [Fact]
    public async Task Migrate_RunsTheMigrations()
    {
        var exit = await CommandLine().InvokeAsync(["migrate"]);

        exit.ShouldBe(0, _error.ToString());
        _migrated.ShouldBeTrue();
    }

    [Theory]
    [InlineData("unknown source 'nasdaq': --source takes one of coinpaprika, coingecko, csv, all", "ingest", "--source", "nasdaq")]
    [InlineData("--fail-after takes a whole number of records above 0, got '0'", "ingest", "--fail-after", "0")]
    [InlineData("--fail-after takes a whole number of records above 0, got 'ten'", "ingest", "--fail-after", "ten")]
    [InlineData("--fail-after takes a whole number of records above 0, got '1.5'", "ingest", "--fail-after", "1.5")]
    [InlineData("Required argument missing for option: '--fail-after'", "ingest", "--fail-after")]
    [InlineData("Unrecognized command or argument '--bogus'", "ingest", "--bogus")]
    [InlineData("Unrecognized command or argument 'extra'", "migrate", "extra")]
    [InlineData("Unrecognized command or argument 'fetch'", "fetch")]
    public async Task BadUsage_ExitsTwoWithOneLineNamingTheProblemAndTheHelp(string message, params string[] args)
    {
        var exit = await CommandLine().InvokeAsync(args);

        exit.ShouldBe(2);
        var help = args[0] is "ingest" or "migrate" ? $"{RootCommand.ExecutableName} {args[0]} --help" : $"{RootCommand.ExecutableName} --help";
        ErrorLines.ShouldBe([$"error: {message} (see '{help}')"]);
        _output.ToString().ShouldBeEmpty();
        (_served, _ingested, _migrated).ShouldBe((null, null, false));
    }

    [Fact]
    public async Task RootHelp_ListsTheCommandsExitCodesAndConfiguration()
    {
        var exit = await CommandLine().InvokeAsync(["--help"]);

        exit.ShouldBe(0);
        var help = _output.ToString();
        help.ShouldContain("Usage:");
        foreach (var command in new[] { "serve", "ingest", "migrate" })
        {
            help.ShouldContain($"  {command} ");
        }

        help.ShouldContain("--version");
        help.ShouldContain("Exit codes:\n  0  the command succeeded");
        help.ShouldContain("  2  bad usage or configuration");
        help.ShouldContain("Configuration:\n  Environment variables (DATABASE_URL, SOURCES, CSV_PATH");
        (_served, _ingested, _migrated).ShouldBe((null, null, false));
    }

    [Fact]
    public async Task IngestHelp_DescribesEveryOptionAndItsExitCodes()
    {
        var exit = await CommandLine().InvokeAsync(["ingest", "--help"]);

        exit.ShouldBe(0);
        var help = _output.ToString();
        help.ShouldContain("ingest [options]");
        help.ShouldContain("--source <all|coingecko|coinpaprika|csv>  The source to run: coinpaprika, coingecko, csv, or all");
        help.ShouldContain("[default: all]");
        help.ShouldContain("--csv <PATH>");
        help.ShouldContain("A CSV file, or a folder whose *.csv files are all read");
        help.ShouldContain("--fail-after <N>");
        help.ShouldContain("Failure injection: abort each run after committing N records");
        help.ShouldContain("Exit codes:\n  0  every selected source succeeded");
        help.ShouldContain("Configuration:");
        _ingested.ShouldBeNull();
    }

    [Theory]
    [InlineData("migrate", "0  the schema is up to date")]
    [InlineData("serve", "0  the server was stopped (Ctrl+C, SIGTERM)")]
    public async Task VerbHelp_GivesThatVerbsExitCodes(string verb, string exitCode)
    {
        var exit = await CommandLine().InvokeAsync([verb, "--help"]);

        exit.ShouldBe(0);
        _output.ToString().ShouldContain($"{verb} [options]");
        _output.ToString().ShouldContain($"Exit codes:\n  {exitCode}");
        (_served, _migrated).ShouldBe((null, false));
    }

    [Fact]
    public async Task AConfigurationError_ExitsTwoWithOneLine()
    {
        _ingestOutcome = () => throw new ConfigurationException("DATABASE_URL is not set");

        var exit = await CommandLine().InvokeAsync(["ingest"]);

        exit.ShouldBe(2);
        ErrorLines.ShouldBe(["configuration error: DATABASE_URL is not set"]);
    }

    [Fact]
    public async Task AnUnavailableDatabase_ExitsOneWithItsCauseOnOneLine()
    {
        _ingestOutcome = () => throw new ServiceUnavailableException("The database is unavailable.", new InvalidOperationException("Connection refused"));

        var exit = await CommandLine().InvokeAsync(["ingest"]);

        exit.ShouldBe(1);
        ErrorLines.ShouldBe(["error: The database is unavailable: Connection refused"]);
    }

    [Fact]
    public async Task AnythingElse_ExitsOneWithOneLineNamingIt()
    {
        _ingestOutcome = () => throw new InvalidOperationException("boom\n   at Somewhere()");

        var exit = await CommandLine().InvokeAsync(["ingest"]);

        exit.ShouldBe(1);
        _error.ToString().ShouldStartWith("error: unexpected InvalidOperationException: boom");
    }

    [Fact]
    public async Task AnInterruption_ExitsOneWithOneLine()
    {
        using var interrupt = new CancellationTokenSource();
        var commandLine = new KasparroCommandLine(
            serve: _ => Task.FromResult(0),
            ingest: async (_, cancellationToken) =>
            {
                await interrupt.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
                return ExitCodes.Success;
            },
            migrate: _ => Task.FromResult(0),
            _output,
            _error);

        var exit = await commandLine.InvokeAsync(["ingest"], interrupt.Token);

        exit.ShouldBe(1);
        ErrorLines.ShouldBe(["error: interrupted before the command finished"]);
    }

    [Fact]
    public async Task TheVerbsExitCode_IsTheProcesses()
    {
        _ingestOutcome = () => Task.FromResult(ExitCodes.Failure);

        var exit = await CommandLine().InvokeAsync(["ingest", "--source", "csv"]);

        exit.ShouldBe(1);
        _error.ToString().ShouldBeEmpty();
    }
}
