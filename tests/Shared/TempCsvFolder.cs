using System.Globalization;
using System.Text;

namespace Kasparro.TestSupport;

/// <summary>
/// A throwaway folder for the CSV files a test writes (UTF-8, no byte order mark unless the bytes hold one), removed on
/// dispose. Linked into every test project that writes CSV files.
/// </summary>
internal sealed class TempCsvFolder : IDisposable
{
    /// <summary>The CSV source's columns, in the order <see cref="Rows"/> writes them.</summary>
    public const string Header = "symbol,name,date,price,market_cap,volume";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public string Path { get; } = Directory.CreateTempSubdirectory("kasparro-csv-").FullName;

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text, DateTime? lastWriteUtc = null) => Write(name, Utf8.GetBytes(text), lastWriteUtc);

    public string Write(string name, byte[] bytes, DateTime? lastWriteUtc = null)
    {
        var path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        if (lastWriteUtc is { } time)
        {
            File.SetLastWriteTimeUtc(path, time);
        }

        return path;
    }

    public void Append(string name, string text) => File.AppendAllText(PathOf(name), text, Utf8);

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
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process (the CLI under test) may still hold a handle for a moment; the OS cleans temp eventually.
        }
    }
}
