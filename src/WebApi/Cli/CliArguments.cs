using System.Globalization;

namespace Kasparro.WebApi.Cli;

public enum Verb
{
    Serve,
    Ingest,
    Migrate,
    Help,
}

/// <summary>The parsed command line. <see cref="Error"/> is set for bad usage (exit code 2).</summary>
public sealed record CliArguments(Verb Verb, string? Source, string? CsvPath, long? FailAfter, string[] HostArgs, string? Error)
{
    public const string Usage = """
        Usage: Kasparro.WebApi [verb] [options]

          serve      (default) apply migrations, run the ETL once if ETL_ON_STARTUP, schedule it every
                     ETL_INTERVAL, and serve the HTTP API on PORT
          ingest     one run per selected source, then exit
                       --source NAME|all   coinpaprika, coingecko, csv, or all enabled by SOURCES (default all)
                       --csv PATH          a CSV file or folder for this run (overrides CSV_PATH)
                       --fail-after N      failure injection: abort after committing N records
                     exit code 0 when every source succeeded, 1 when any failed, was partial or busy, 2 for bad usage
          migrate    apply pending migrations and exit

        Every verb exits 1 with one line on stderr when the database cannot be reached or turns the login away.

        Configuration comes from the environment (see README): DATABASE_URL, SOURCES, CSV_PATH, ...
        """;

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            return args.Any(a => a is "--help" or "-h")
                ? new CliArguments(Verb.Help, null, null, null, [], null)
                : new CliArguments(Verb.Serve, null, null, null, [.. args], null);
        }

        var rest = args.Skip(1).ToArray();
        return args[0] switch
        {
            "serve" => new CliArguments(Verb.Serve, null, null, null, rest, null),
            "migrate" => rest.Length == 0 ? new CliArguments(Verb.Migrate, null, null, null, [], null) : Bad($"migrate takes no options, got '{rest[0]}'"),
            "ingest" => ParseIngest(rest),
            "help" or "--help" or "-h" => new CliArguments(Verb.Help, null, null, null, [], null),
            _ => Bad($"unknown verb '{args[0]}'"),
        };
    }

    private static CliArguments ParseIngest(string[] args)
    {
        string? source = null;
        string? csv = null;
        long? failAfter = null;
        for (var i = 0; i < args.Length; i++)
        {
            var option = args[i];
            if (option is "--help" or "-h")
            {
                return new CliArguments(Verb.Help, null, null, null, [], null);
            }

            if (option is not ("--source" or "--csv" or "--fail-after"))
            {
                return Bad($"unknown option '{option}' for ingest");
            }

            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                return Bad($"{option} needs a value");
            }

            var value = args[++i];
            switch (option)
            {
                case "--source":
                    source = value.Trim().ToLowerInvariant();
                    break;
                case "--csv":
                    csv = value;
                    break;
                default:
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
                    {
                        return Bad($"--fail-after needs a positive whole number, got '{value}'");
                    }

                    failAfter = n;
                    break;
            }
        }

        return new CliArguments(Verb.Ingest, source is null or "all" ? null : source, csv, failAfter, [], null);
    }

    private static CliArguments Bad(string error) => new(Verb.Help, null, null, null, [], error);
}
