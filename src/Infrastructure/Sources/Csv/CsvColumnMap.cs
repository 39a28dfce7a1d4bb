using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>The quote fields a CSV column can hold.</summary>
internal enum QuoteColumn
{
    Id,
    Symbol,
    Name,
    Price,
    MarketCap,
    Volume,
    Timestamp,
    PercentChange24h,
}

/// <summary>
/// Where each quote field is in one file, found once from the header: names are matched trimmed and ignoring case,
/// in any order, through the alias table (the earlier alias wins when a file has several). Also the JSON property
/// name of every column for the raw row: the header name, <c>_col{index}</c> for a column without a name (an index
/// column) or beyond the header, and <c>name_2</c>, <c>name_3</c> for repeated names.
/// </summary>
internal sealed class CsvColumnMap
{
    private static readonly (QuoteColumn Field, string[] Aliases)[] AliasTable =
    [
        (QuoteColumn.Id, ["id", "coin_id", "asset_id"]),
        (QuoteColumn.Symbol, ["symbol", "ticker"]),
        (QuoteColumn.Name, ["name", "coin", "asset"]),
        (QuoteColumn.Price, ["price", "price_usd", "close", "last"]),
        (QuoteColumn.MarketCap, ["market_cap", "market_cap_usd", "marketcap"]),
        (QuoteColumn.Volume, ["volume", "volume_24h", "total_volume", "24h_volume_usd", "volume_24h_usd", "vol.", "volume(24h)"]),
        (QuoteColumn.Timestamp, ["created_at", "timestamp", "date", "snapped_at", "last_updated", "time", "observed_at"]),
        (QuoteColumn.PercentChange24h, ["percent_change_24h", "change_24h", "change %", "24h_%"]),
    ];

    private static readonly Dictionary<string, (QuoteColumn Field, int Rank)> Aliases = BuildAliases();

    private readonly int[] indexes;
    private readonly JsonEncodedText[] propertyNames;

    private CsvColumnMap(IReadOnlyList<string> header, int[] indexes, JsonEncodedText[] propertyNames)
    {
        Header = header;
        this.indexes = indexes;
        this.propertyNames = propertyNames;
    }

    public IReadOnlyList<string> Header { get; }

    public int ColumnCount => Header.Count;

    public static CsvColumnMap Create(IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var indexes = new int[AliasTable.Length];
        var ranks = new int[AliasTable.Length];
        Array.Fill(indexes, -1);
        var names = new JsonEncodedText[header.Count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var column = 0; column < header.Count; column++)
        {
            var name = header[column];
            names[column] = Encode(UniqueName(string.IsNullOrWhiteSpace(name) ? $"_col{column}" : name, used));
            if (Aliases.TryGetValue(name.Trim(), out var alias)
                && (indexes[(int)alias.Field] < 0 || alias.Rank < ranks[(int)alias.Field]))
            {
                indexes[(int)alias.Field] = column;
                ranks[(int)alias.Field] = alias.Rank;
            }
        }

        return new CsvColumnMap(header, indexes, names);
    }

    /// <summary>The column of <paramref name="field"/>, or -1 when the file has none.</summary>
    public int IndexOf(QuoteColumn field) => indexes[(int)field];

    public bool Has(QuoteColumn field) => indexes[(int)field] >= 0;

    /// <summary>The column's name as the header writes it, for messages.</summary>
    public string ColumnName(int column) =>
        column < Header.Count && !string.IsNullOrWhiteSpace(Header[column]) ? Header[column].Trim() : $"_col{column}";

    /// <summary>The JSON property of the column in the raw row.</summary>
    public JsonEncodedText PropertyName(int column) =>
        column < propertyNames.Length ? propertyNames[column] : Encode($"_col{column}");

    private static JsonEncodedText Encode(string name) => JsonEncodedText.Encode(name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

    private static string UniqueName(string name, HashSet<string> used)
    {
        var unique = name;
        for (var n = 2; !used.Add(unique); n++)
        {
            unique = $"{name}_{n}";
        }

        return unique;
    }

    private static Dictionary<string, (QuoteColumn, int)> BuildAliases()
    {
        var aliases = new Dictionary<string, (QuoteColumn, int)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (field, names) in AliasTable)
        {
            for (var rank = 0; rank < names.Length; rank++)
            {
                aliases.Add(names[rank], (field, rank));
            }
        }

        return aliases;
    }
}
