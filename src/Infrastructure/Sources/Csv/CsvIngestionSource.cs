using System.Runtime.CompilerServices;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Markets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>
/// The CSV source: the file at the configured path (or <c>--csv PATH</c> for one run), or every <c>*.csv</c> file of
/// that folder (not its subfolders) in ordinal file-name order. Each file is one checkpoint stream, keyed by its full
/// path, read incrementally by <see cref="CsvFileReader"/>.
/// </summary>
public sealed class CsvIngestionSource : IIngestionSource
{
    private readonly CsvSourceOptions options;
    private readonly CsvFileReader files;

    public CsvIngestionSource(CsvSourceOptions options, TimeProvider time)
        : this(options, time, NullLogger<CsvIngestionSource>.Instance)
    {
    }

    public CsvIngestionSource(CsvSourceOptions options, TimeProvider time, ILogger<CsvIngestionSource> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        this.options = options;
        files = new CsvFileReader(time, logger);
    }

    public string Name => SourceNames.Csv;

    public async IAsyncEnumerable<SourceItem> ReadAsync(SourceReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = string.IsNullOrWhiteSpace(context.Overrides.CsvPath) ? options.Path : context.Overrides.CsvPath;
        var paths = FilesAt(path);
        var progress = new CsvReadProgress(Name, context, paths);
        foreach (var file in paths)
        {
            await foreach (var item in files.ReadAsync(file, context.Checkpoints, progress.ReadTo, cancellationToken))
            {
                yield return item;
            }

            progress.FileDone();
        }
    }

    /// <summary>The files a path stands for; a path that is neither a file nor a folder fails the run with a clear message.</summary>
    internal static IReadOnlyList<string> FilesAt(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (File.Exists(fullPath))
        {
            return [fullPath];
        }

        if (!Directory.Exists(fullPath))
        {
            throw new FileNotFoundException($"CSV path '{path}' is neither a file nor a folder (looked for '{fullPath}')", fullPath);
        }

        var csvFiles = Directory
            .EnumerateFiles(fullPath, "*.csv", new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive, RecurseSubdirectories = false })
            .Where(f => Path.GetExtension(f).Equals(".csv", StringComparison.OrdinalIgnoreCase))
            .ToList();
        csvFiles.Sort((a, b) => string.CompareOrdinal(Path.GetFileName(a), Path.GetFileName(b)));
        return csvFiles;
    }
}
