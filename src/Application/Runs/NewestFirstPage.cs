using System.Text.Json;
using Kasparro.Application.Common.Queries;

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
/// The <c>cursor</c> of the operations lists: an <see cref="OpaqueCursor"/> scoped to the list kind and the source
/// filter, whose position is the last row's timestamp and key. A cursor from another list or other filters is a 400.
/// </summary>
public static class PageCursor
{
    public static string Encode(string kind, IReadOnlyList<string> sources, PagePosition position)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(position);
        return OpaqueCursor.Encode(kind, Fingerprint(sources), json =>
        {
            json.WriteNumberValue(position.At.UtcTicks);
            json.WriteStringValue(position.Key);
        });
    }

    public static bool TryDecode(
        string text, string kind, IReadOnlyList<string> sources, Func<string, bool> isKey, out PagePosition? position, out string error)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(isKey);
        PagePosition? read = null;
        var opened = OpaqueCursor.TryOpen(
            text,
            kind,
            Fingerprint(sources),
            positionItems: 2,
            scopeMismatch: null,
            "was issued for another 'source' filter; start again without a cursor",
            items =>
            {
                if (!OpaqueCursor.TryReadTicks(items[0], out var at) || items[1].ValueKind != JsonValueKind.String || items[1].GetString() is not { } key || !isKey(key))
                {
                    return false;
                }

                read = new PagePosition(at, key);
                return true;
            },
            out error);
        position = opened ? read : null;
        return opened;
    }

    private static string Fingerprint(IReadOnlyList<string> sources) => OpaqueCursor.Fingerprint(string.Join(',', sources.Order(StringComparer.Ordinal)));
}
