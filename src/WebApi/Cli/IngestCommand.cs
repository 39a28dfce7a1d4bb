using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Kasparro.Domain.Markets;

namespace Kasparro.WebApi.Cli;

/// <summary>What <c>ingest</c> was asked to do. <see cref="Source"/> is <c>null</c> for every enabled source.</summary>
public sealed record IngestRequest(string? Source, string? CsvPath, long? FailAfter);

/// <summary><c>ingest</c>: its options, their help texts and their validation.</summary>
internal sealed class IngestCommand : Command
{
    private const string AllSources = "all";
    private static readonly string[] SourceChoices = [.. SourceNames.All, AllSources];

    public IngestCommand(Func<IngestRequest, CancellationToken, Task<int>> run, TextWriter error)
        : base("ingest", """
            Run each selected source once, then exit. On a terminal a progress bar shows each source (what it has read of
            its files or pages, and its counts); otherwise JSON logs go to stderr. The last stdout lines are one JSON
            object per source: {"source","run_id","status","read","loaded","skipped","rejected","duration_ms"}, plus
            "error" when there is one.
            """)
    {
        ArgumentNullException.ThrowIfNull(run);
        Source.CompletionSources.Add(SourceChoices);
        Source.Validators.Add(MustBeKnown);
        Csv.AcceptLegalFilePathsOnly();
        Add(Source);
        Add(Csv);
        Add(FailAfter);
        SetAction((result, cancellationToken) =>
        {
            var source = result.GetValue(Source);
            var request = new IngestRequest(source == AllSources ? null : source, result.GetValue(Csv), result.GetValue(FailAfter));
            return CliError.ReportAsync(() => run(request, cancellationToken), error, cancellationToken);
        });
    }

    public Option<string> Source { get; } = new("--source")
    {
        Description = "The source to run: coinpaprika, coingecko, csv, or all (every source SOURCES enables, at once).",
        DefaultValueFactory = _ => AllSources,
        CustomParser = result => result.Tokens[0].Value.Trim().ToLowerInvariant(),
    };

    public Option<string> Csv { get; } = new("--csv")
    {
        Description = "A CSV file, or a folder whose *.csv files are all read, for this run in place of CSV_PATH.",
        HelpName = "PATH",
    };

    public Option<long?> FailAfter { get; } = new("--fail-after")
    {
        Description = "Failure injection: abort each run after committing N records, as a crash would; the run is recorded as failed.",
        HelpName = "N",
        Arity = ArgumentArity.ExactlyOne,

        // The library runs an option's validators even when its value did not convert (reading it there throws), so a
        // whole number above zero is checked where the text is converted, with one message for both ways of failing.
        CustomParser = PositiveWholeNumber,
    };

    private static void MustBeKnown(OptionResult result)
    {
        var source = result.GetValueOrDefault<string>();
        if (!SourceChoices.Contains(source, StringComparer.Ordinal))
        {
            result.AddError($"unknown source '{source}': --source takes one of {string.Join(", ", SourceChoices)}");
        }
    }

    private static long? PositiveWholeNumber(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var records) && records > 0)
        {
            return records;
        }

        result.AddError($"--fail-after takes a whole number of records above 0, got '{text}'");
        return null;
    }
}
