using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using CsvHelper;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;

namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>One row as read, short of the checkpoint that follows it (known once the next row starts).</summary>
internal sealed record CsvMappedRow(
    string Reference, string? SourceRecordId, RawPayload Raw, RecordFields? Fields, IReadOnlyList<string> Problems);

/// <summary>
/// Turns the current row of a file's reader into its raw payload and typed fields. The raw payload is a JSON
/// object of every column (header name → original text, in header order), written from the UTF-8 field bytes
/// without intermediate strings; its content hash is SHA-256 over that JSON, followed by a zero byte and the file
/// name's ticker when the ticker comes from there (the same row in <c>btc-usd-max.csv</c> and
/// <c>eth-usd-max.csv</c> says different things). A row that is not valid UTF-8 keeps its original bytes (the hash
/// is then over them) and its JSON shows the undecodable bytes as U+FFFD.
/// </summary>
internal sealed class CsvRowMapper : IDisposable
{
    private static readonly string[] NoProblems = [];

    private readonly CsvColumnMap map;
    private readonly string fileName;
    private readonly string? fileTicker;
    private readonly byte[]? hashSuffix;
    private readonly string? missingSymbol;
    private readonly DateTimeOffset lastWriteUtc;
    private readonly DateTimeOffset fetchedAt;
    private readonly CsvFileConventions conventions;
    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly Utf8JsonWriter json;
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private char[] chars = new char[256];

    public CsvRowMapper(CsvColumnMap map, string fileName, DateTimeOffset lastWriteUtc, DateTimeOffset fetchedAt, CsvFileConventions conventions)
    {
        this.map = map;
        this.fileName = fileName;
        this.lastWriteUtc = lastWriteUtc;
        this.fetchedAt = fetchedAt;
        this.conventions = conventions;
        json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
        if (!map.Has(QuoteColumn.Symbol))
        {
            fileTicker = CsvFileNameTicker.From(fileName);
            if (fileTicker is null)
            {
                missingSymbol = $"the file has no symbol column and its name '{fileName}' names no ticker (as btc-usd-max.csv does)";
            }
            else
            {
                hashSuffix = [0, .. Encoding.UTF8.GetBytes(fileTicker)];
            }
        }
    }

    public CsvMappedRow Map(CsvReader reader, long line)
    {
        var reference = string.Create(CultureInfo.InvariantCulture, $"{fileName}:{line}");
        var id = map.Has(QuoteColumn.Id) ? TrimmedOrNull(reader.GetString(map.IndexOf(QuoteColumn.Id))) : null;
        var rawRecord = reader.RawRecord;
        if (!Utf8.IsValid(rawRecord))
        {
            var bytes = rawRecord.ToArray();
            var text = WriteJson(reader, validUtf8: false);
            return new CsvMappedRow(reference, id, new RawPayload(text, bytes, Hash(bytes), fetchedAt), null, ["row is not valid UTF-8"]);
        }

        var jsonText = WriteJson(reader, validUtf8: true);
        var raw = new RawPayload(jsonText, null, Hash(buffer.WrittenSpan), fetchedAt);
        if (reader.FieldCount != map.ColumnCount)
        {
            return new CsvMappedRow(
                reference, id, raw, null, [string.Create(CultureInfo.InvariantCulture, $"row has {reader.FieldCount} fields, header has {map.ColumnCount}")]);
        }

        List<string>? problems = null;
        var unreadable = QuoteFields.None;
        var symbol = map.Has(QuoteColumn.Symbol) ? reader.GetString(map.IndexOf(QuoteColumn.Symbol)) : fileTicker;
        if (missingSymbol is not null)
        {
            (problems ??= []).Add(missingSymbol);
        }

        var fields = new RecordFields(
            id,
            symbol,
            map.Has(QuoteColumn.Name) ? TrimmedOrNull(reader.GetString(map.IndexOf(QuoteColumn.Name))) : null,
            Money(reader, QuoteColumn.Price, QuoteFields.Price, ref problems, ref unreadable),
            Money(reader, QuoteColumn.MarketCap, QuoteFields.MarketCap, ref problems, ref unreadable),
            Money(reader, QuoteColumn.Volume, QuoteFields.Volume, ref problems, ref unreadable),
            Percent(reader, ref problems, ref unreadable),
            ObservedAt(reader, ref problems, ref unreadable),
            lastWriteUtc) { Unreadable = unreadable };
        return new CsvMappedRow(reference, id, raw, fields, problems ?? (IReadOnlyList<string>)NoProblems);
    }

    public void Dispose()
    {
        json.Dispose();
        hash.Dispose();
    }

    private string WriteJson(CsvReader reader, bool validUtf8)
    {
        buffer.ResetWrittenCount();
        json.Reset(buffer);
        json.WriteStartObject();
        for (var column = 0; column < reader.FieldCount; column++)
        {
            if (validUtf8)
            {
                json.WriteString(map.PropertyName(column), reader.GetSpan(column));
            }
            else
            {
                json.WriteString(map.PropertyName(column), reader.GetString(column));
            }
        }

        json.WriteEndObject();
        json.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private byte[] Hash(ReadOnlySpan<byte> content)
    {
        hash.AppendData(content);
        if (hashSuffix is not null)
        {
            hash.AppendData(hashSuffix);
        }

        return hash.GetHashAndReset();
    }

    private decimal? Money(CsvReader reader, QuoteColumn column, QuoteFields field, ref List<string>? problems, ref QuoteFields unreadable)
    {
        var index = map.IndexOf(column);
        if (index < 0)
        {
            return null;
        }

        var cleaned = CsvValueCleaner.Money(Chars(reader, index), map.ColumnName(index), conventions);
        return Keep(cleaned, field, ref problems, ref unreadable);
    }

    private decimal? Percent(CsvReader reader, ref List<string>? problems, ref QuoteFields unreadable)
    {
        var index = map.IndexOf(QuoteColumn.PercentChange24h);
        if (index < 0)
        {
            return null;
        }

        var cleaned = CsvValueCleaner.Percent(Chars(reader, index), map.ColumnName(index), conventions);
        return Keep(cleaned, QuoteFields.PercentChange, ref problems, ref unreadable);
    }

    /// <summary>The row's timestamp; a file without a timestamp column observed its rows when it was last written.</summary>
    private DateTimeOffset? ObservedAt(CsvReader reader, ref List<string>? problems, ref QuoteFields unreadable)
    {
        var column = map.IndexOf(QuoteColumn.Timestamp);
        if (column < 0)
        {
            return lastWriteUtc;
        }

        var text = Chars(reader, column);
        if (CsvValueCleaner.IsNoValue(text))
        {
            return null; // The data rules report the missing timestamp.
        }

        if (CsvTimestampParser.TryParse(text, map.ColumnName(column), conventions, out var observedAt, out var problem))
        {
            return observedAt;
        }

        (problems ??= []).Add(problem);
        unreadable |= QuoteFields.Timestamp;
        return null;
    }

    private static decimal? Keep(CleanedValue cleaned, QuoteFields field, ref List<string>? problems, ref QuoteFields unreadable)
    {
        if (cleaned.Problem is not null)
        {
            (problems ??= []).Add(cleaned.Problem);
            unreadable |= field;
        }

        return cleaned.Value;
    }

    /// <summary>The field decoded into a reused buffer, valid until the next call.</summary>
    private ReadOnlySpan<char> Chars(CsvReader reader, int column)
    {
        var bytes = reader.GetSpan(column);
        if (chars.Length < bytes.Length)
        {
            chars = new char[Math.Max(bytes.Length, chars.Length * 2)];
        }

        return chars.AsSpan(0, Encoding.UTF8.GetChars(bytes, chars));
    }

    private static string? TrimmedOrNull(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }
}
