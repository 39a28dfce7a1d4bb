using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;

namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>
/// The <see cref="Checkpoint.State"/> of a CSV file: its fingerprint at the checkpoint's offset (see
/// <see cref="CsvFingerprinter"/>), the line count there, what the rows proved about the file's conventions, the
/// header, and the file's length and last-write time when it was read.
/// </summary>
internal sealed record CsvFileState(
    long FileLength,
    DateTimeOffset LastWriteUtc,
    long HeadLength,
    string HeadHash,
    long AnchorStart,
    string AnchorHash,
    long Lines,
    DateOrder DateOrder,
    bool GroupsDigitsWithDots,
    IReadOnlyList<string> Header)
{
    private const int Version = 1;

    /// <summary>Reads a stored state; <c>null</c> when it is not one this version wrote (the file is then read again).</summary>
    public static CsvFileState? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("v", out var version) || version.GetInt32() != Version)
            {
                return null;
            }

            var header = new List<string>();
            foreach (var name in root.GetProperty("header").EnumerateArray())
            {
                header.Add(name.GetString() ?? string.Empty);
            }

            return new CsvFileState(
                root.GetProperty("file_length").GetInt64(),
                root.GetProperty("last_write_utc").GetDateTimeOffset(),
                root.GetProperty("head_length").GetInt64(),
                root.GetProperty("head_sha256").GetString() ?? string.Empty,
                root.GetProperty("anchor_start").GetInt64(),
                root.GetProperty("anchor_sha256").GetString() ?? string.Empty,
                root.GetProperty("lines").GetInt64(),
                Enum.TryParse<DateOrder>(root.GetProperty("date_order").GetString()?.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var order)
                    ? order
                    : DateOrder.Unknown,
                root.GetProperty("dot_grouping").GetBoolean(),
                header);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    public bool HasFingerprint(CsvFingerprinter fingerprinter) =>
        HeadLength == fingerprinter.HeadLength
        && AnchorStart == fingerprinter.AnchorStart
        && string.Equals(HeadHash, fingerprinter.HeadHash, StringComparison.OrdinalIgnoreCase)
        && string.Equals(AnchorHash, fingerprinter.AnchorHash, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Makes the checkpoints of one read of one file. What stays the same for the whole read (length, last write,
    /// header) is serialized once; each checkpoint adds the fingerprint, the line count and the conventions.
    /// </summary>
    internal sealed class Writer
    {
        private readonly string stream;
        private readonly long generation;
        private readonly string fixedPart;

        public Writer(string stream, long generation, long fileLength, DateTimeOffset lastWriteUtc, IReadOnlyList<string> header)
        {
            this.stream = stream;
            this.generation = generation;
            var buffer = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartArray();
                foreach (var name in header)
                {
                    json.WriteStringValue(name);
                }

                json.WriteEndArray();
            }

            fixedPart = string.Create(
                CultureInfo.InvariantCulture,
                $"\"file_length\":{fileLength},\"last_write_utc\":\"{lastWriteUtc.UtcDateTime:O}\",\"header\":{Encoding.UTF8.GetString(buffer.WrittenSpan)}");
        }

        public Checkpoint At(CsvFingerprinter fingerprinter, long rows, CsvFileConventions conventions) =>
            new(SourceNames.Csv, stream, generation, fingerprinter.Position, rows, State(fingerprinter, conventions));

        private string State(CsvFingerprinter fingerprinter, CsvFileConventions conventions) =>
            string.Create(
                CultureInfo.InvariantCulture,
                $"{{\"v\":{Version},\"head_length\":{fingerprinter.HeadLength},\"head_sha256\":\"{fingerprinter.HeadHash}\",\"anchor_start\":{fingerprinter.AnchorStart},\"anchor_sha256\":\"{fingerprinter.AnchorHash}\",\"lines\":{fingerprinter.Lines},\"date_order\":\"{DateOrderName(conventions.DateOrder)}\",\"dot_grouping\":{(conventions.GroupsDigitsWithDots ? "true" : "false")},{fixedPart}}}");

        private static string DateOrderName(DateOrder order) => order switch
        {
            DateOrder.DayFirst => "day_first",
            DateOrder.MonthFirst => "month_first",
            DateOrder.Conflicting => "conflicting",
            _ => "unknown",
        };
    }
}
