using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kasparro.Application.Common.Queries;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Runs;

/// <summary>
/// A page of an operations list (runs, schema drift events) ordered newest first by (timestamp DESC, key DESC):
/// which sources, how many rows, and either <see cref="Offset"/> rows in or the rows after <see cref="After"/>.
/// </summary>
public sealed record NewestFirstPage(IReadOnlyList<string> Sources, int Limit, int Offset, PagePosition? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>Deeper pages go by cursor; so does counting, which stops here (see <see cref="ListPagination"/>).</summary>
    public const int MaxOffset = 10_000;

    /// <summary>
    /// Parses the list parameters as received, collecting every error by parameter name; null when any is invalid.
    /// <paramref name="kind"/> names the list a cursor belongs to, <paramref name="isKey"/> accepts its row keys.
    /// </summary>
    public static NewestFirstPage? Parse(
        string? source, string? limit, string? offset, string? cursor, string kind, Func<string, bool> isKey, IDictionary<string, List<string>> errors)
    {
        ArgumentNullException.ThrowIfNull(isKey);
        ArgumentNullException.ThrowIfNull(errors);
        var sources = SourceFilter.Parse(source, errors);

        var pageSize = DefaultLimit;
        if (limit is not null && !QueryText.TryParseInt(limit, 1, MaxLimit, out pageSize))
        {
            errors.AddError("limit", $"must be a whole number from 1 to {MaxLimit}");
        }

        var skip = 0;
        if (offset is not null && !QueryText.TryParseInt(offset, 0, MaxOffset, out skip))
        {
            errors.AddError("offset", $"must be a whole number from 0 to {MaxOffset}; go deeper with 'cursor'");
        }

        if (offset is not null && cursor is not null)
        {
            errors.AddError("cursor", "give either 'offset' or 'cursor', not both");
        }

        if (errors.Count > 0)
        {
            return null;
        }

        PagePosition? after = null;
        if (cursor is not null && !PageCursor.TryDecode(cursor, kind, sources, isKey, out after, out var error))
        {
            errors.AddError("cursor", error);
            return null;
        }

        return new NewestFirstPage(sources, pageSize, skip, after);
    }

    /// <summary>Trims <paramref name="rows"/> (read with one row extra) to the page and says how to get the next one.</summary>
    public (IReadOnlyList<T> Data, ListPagination Pagination) Finish<T>(
        IReadOnlyList<T> rows, long counted, string kind, Func<T, PagePosition> positionOf)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(positionOf);
        var hasMore = rows.Count > Limit;
        IReadOnlyList<T> data = hasMore ? rows.Take(Limit).ToList() : rows;
        var next = hasMore ? PageCursor.Encode(kind, Sources, positionOf(data[^1])) : null;
        var exact = counted <= MaxOffset;
        return (data, new ListPagination(Limit, After is null ? Offset : null, data.Count, exact ? counted : MaxOffset, exact, next));
    }
}

/// <summary>
/// How a list page relates to the whole: <see cref="Offset"/> is null on cursor pages; <see cref="Total"/> counts the
/// matching rows exactly up to 10,000 (beyond, it is 10,000 and <see cref="TotalExact"/> is false).
/// </summary>
public sealed record ListPagination(int Limit, int? Offset, int Returned, long Total, bool TotalExact, string? NextCursor);

/// <summary>Where a newest-first page starts: the last row's timestamp and its key (a run id, an event id) as text.</summary>
public sealed record PagePosition(DateTimeOffset At, string Key);

/// <summary>
/// The opaque <c>cursor</c> of the operations lists: base64url of a JSON array (format version, list kind, a
/// fingerprint of the source filter, the position). A cursor from another list or other filters is a 400.
/// </summary>
public static class PageCursor
{
    private const int Version = 1;

    public static string Encode(string kind, IReadOnlyList<string> sources, PagePosition position)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(position);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteNumberValue(Version);
            json.WriteStringValue(kind);
            json.WriteStringValue(Fingerprint(sources));
            json.WriteNumberValue(position.At.UtcTicks);
            json.WriteStringValue(position.Key);
            json.WriteEndArray();
        }

        return Base64Url.EncodeToString(buffer.ToArray());
    }

    public static bool TryDecode(
        string text, string kind, IReadOnlyList<string> sources, Func<string, bool> isKey, out PagePosition? position, out string error)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(isKey);
        position = null;
        error = "is not a cursor this API issued";
        if (string.IsNullOrWhiteSpace(text) || text.Length > 512 || !Base64Url.IsValid(text))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(text));
            var items = document.RootElement;
            if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() != 5
                || items[0].ValueKind != JsonValueKind.Number || !items[0].TryGetInt32(out var version) || version != Version
                || items[1].ValueKind != JsonValueKind.String || items[1].GetString() != kind)
            {
                return false;
            }

            if (items[2].ValueKind != JsonValueKind.String || items[2].GetString() != Fingerprint(sources))
            {
                error = "was issued for another 'source' filter; start again without a cursor";
                return false;
            }

            if (items[3].ValueKind != JsonValueKind.Number || !items[3].TryGetInt64(out var ticks)
                || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
                || items[4].ValueKind != JsonValueKind.String || items[4].GetString() is not { } key || !isKey(key))
            {
                return false;
            }

            position = new PagePosition(new DateTimeOffset(ticks, TimeSpan.Zero), key);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Fingerprint(IReadOnlyList<string> sources) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', sources.Order(StringComparer.Ordinal)))).AsSpan(0, 6));
}

/// <summary>The <c>source</c> parameter of the operations endpoints: one source or a comma list, each a known source.</summary>
public static class SourceFilter
{
    public static IReadOnlyList<string> Parse(string? text, IDictionary<string, List<string>> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var sources = QueryText.SplitList(text).Select(s => s.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        foreach (var unknown in sources.Where(s => !SourceNames.IsKnown(s)))
        {
            errors.AddError("source", $"'{(unknown.Length <= 40 ? unknown : unknown[..40] + "…")}' is not a source; known: {string.Join(", ", SourceNames.All)}");
        }

        return sources;
    }
}

/// <summary>Error collection by parameter name, shared by the operations validators and handlers.</summary>
public static class ParameterErrors
{
    public static IDictionary<string, List<string>> Create() => new Dictionary<string, List<string>>(StringComparer.Ordinal);

    public static void AddError(this IDictionary<string, List<string>> errors, string name, string message)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!errors.TryGetValue(name, out var list))
        {
            errors[name] = list = [];
        }

        list.Add(message);
    }

    public static void ReportTo<T>(this IDictionary<string, List<string>> errors, FluentValidation.ValidationContext<T> context)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (name, messages) in errors)
        {
            foreach (var message in messages)
            {
                context.AddFailure(name, message);
            }
        }
    }

    public static IReadOnlyDictionary<string, string[]> ToReadOnly(this IDictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
