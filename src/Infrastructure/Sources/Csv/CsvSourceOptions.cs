namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>Where the CSV source reads (<c>CSV_PATH</c>): a CSV file, or a folder whose <c>*.csv</c> files are all read.</summary>
public sealed class CsvSourceOptions
{
    public const string DefaultPath = "data/";

    public string Path { get; init; } = DefaultPath;
}
