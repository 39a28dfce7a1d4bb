using System.Reflection;

namespace Kasparro.IntegrationTests.Ingestion;

/// <summary>The real executable's help, version and bad usage: none of them reaches the database.</summary>
public sealed class CliUsageTests
{
    private const string NoDatabase = "";

    private static Task<CliResult> RunAsync(params string[] arguments) => CliProcess.RunAsync(NoDatabase, null, arguments);

    [Fact]
    public async Task Help_ListsTheCommandsTheirExitCodesAndTheConfiguration()
    {
        var result = await RunAsync("--help");

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("Usage:\n  Kasparro.WebApi [command] [options]");
        result.Stdout.ShouldContain("  serve    Apply pending migrations");
        result.Stdout.ShouldContain("  ingest   Run each selected source once, then exit.");
        result.Stdout.ShouldContain("  migrate  Apply pending database migrations, then exit.");
        result.Stdout.ShouldContain("Exit codes:");
        result.Stdout.ShouldContain("  2  bad usage or configuration");
        result.Stdout.ShouldContain("Configuration:");
        result.Stderr.ShouldBeEmpty();
    }

    [Fact]
    public async Task IngestHelp_DescribesEachOption()
    {
        var result = await RunAsync("ingest", "--help");

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("Usage:\n  Kasparro.WebApi ingest [options]");
        result.Stdout.ShouldContain("--source <all|coingecko|coinpaprika|csv>");
        result.Stdout.ShouldContain("The source to run: coinpaprika, coingecko, csv, or all");
        result.Stdout.ShouldContain("--csv <PATH>");
        result.Stdout.ShouldContain("in place of CSV_PATH");
        result.Stdout.ShouldContain("--fail-after <N>");
        result.Stdout.ShouldContain("abort each run after committing N records");
        result.Stdout.ShouldContain("  0  every selected source succeeded");
        result.Stdout.ShouldContain("  1  a source failed, ended partial or was busy");
    }

    [Theory]
    [InlineData("migrate", "Apply pending database migrations", "0  the schema is up to date")]
    [InlineData("serve", "Arguments it does not\n  know go to the ASP.NET Core host", "0  the server was stopped")]
    public async Task VerbHelp_DescribesTheVerbAndItsExitCodes(string verb, string description, string exitCode)
    {
        var result = await RunAsync(verb, "--help");

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain($"Usage:\n  Kasparro.WebApi {verb} [options]");
        result.Stdout.ShouldContain(description);
        result.Stdout.ShouldContain(exitCode);
    }

    [Fact]
    public async Task Version_IsTheAssemblysInformationalVersion()
    {
        var expected = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        var result = await RunAsync("--version");

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.Trim().ShouldBe(expected);
    }

    [Theory]
    [InlineData("--fail-after takes a whole number of records above 0, got '0'", "ingest", "--fail-after", "0")]
    [InlineData("--fail-after takes a whole number of records above 0, got 'ten'", "ingest", "--fail-after", "ten")]
    [InlineData("unknown source 'nasdaq': --source takes one of coinpaprika, coingecko, csv, all", "ingest", "--source", "nasdaq")]
    [InlineData("Unrecognized command or argument '--bogus'", "ingest", "--bogus")]
    [InlineData("Unrecognized command or argument 'fetch'", "fetch")]
    public async Task BadUsage_ExitsTwoWithOneLine(string message, params string[] arguments)
    {
        var result = await RunAsync(arguments);

        result.ExitCode.ShouldBe(2);
        var help = arguments[0] == "ingest" ? "Kasparro.WebApi ingest --help" : "Kasparro.WebApi --help";
        result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe([$"error: {message} (see '{help}')"]);
        result.Stdout.ShouldBeEmpty();
    }
}
