using System.Globalization;
using System.Text;

namespace Kasparro.IntegrationTests.Ingestion;

/// <summary>A temporary folder of CSV files, removed on dispose.</summary>
internal sealed class CsvFiles : IDisposable
{
    public const string Header = "symbol,name,date,price,market_cap,volume";

    public CsvFiles()
    {
        Folder = Directory.CreateTempSubdirectory("kasparro-csv-").FullName;
    }

    public string Folder { get; }

    public string PathOf(string name) => Path.Combine(Folder, name);

    public string Write(string name, string content, DateTime? lastWriteUtc = null)
    {
        var path = PathOf(name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        if (lastWriteUtc is { } time)
        {
            File.SetLastWriteTimeUtc(path, time);
        }

        return path;
    }

    public void Append(string name, string content) => File.AppendAllText(PathOf(name), content, new UTF8Encoding(false));

    /// <summary>Rows for <paramref name="tickers"/> coins over consecutive days: every (ticker, day) is a distinct quote key.</summary>
    public static string Rows(int tickers, int days, int firstDay = 0, decimal priceFactor = 1m)
    {
        var builder = new StringBuilder();
        var start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var day = firstDay; day < firstDay + days; day++)
        {
            for (var t = 0; t < tickers; t++)
            {
                var price = (100m + t + (day / 100m)) * priceFactor;
                builder.Append(CultureInfo.InvariantCulture, $"T{t:D4},Coin {t:D4},{start.AddDays(day):yyyy-MM-ddTHH:mm:ssZ},{price},{price * 1_000_000m},{price * 10m}\n");
            }
        }

        return builder.ToString();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a handle for a moment; the OS cleans temp eventually.
        }
    }
}
