using System.Globalization;
using System.Text.Json;
using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Runs;

/// <summary>
/// The operations lists (runs, schema drift events), newest first by (timestamp, key): the query-string values they
/// share, parsed once, and how their pages end.
/// </summary>
public interface INewestFirstListQuery<TKey>
    where TKey : struct
{
    Parsed<IReadOnlyList<string>> Sources { get; }

    Parsed<int> Limit { get; }

    Parsed<int> Offset { get; }

    Parsed<ListCursor<TKey>?> Cursor { get; }
}

/// <summary>
/// The <c>cursor</c> of an operations list, opened: the fingerprint of the <c>source</c> filter it was issued under (a
/// validator refuses it under another) and the last row's timestamp and key.
/// </summary>
public sealed record ListCursor<TKey>(string Fingerprint, DateTimeOffset At, TKey Key)
    where TKey : struct;

public static class NewestFirstList
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>Deeper pages go by cursor; so does counting, which stops here (see <see cref="ListPagination"/>).</summary>
    public const int MaxOffset = 10_000;

    public static Parsed<int> Limit(string? text) => QueryText.WholeNumber(text, 1, MaxLimit, DefaultLimit, $"must be a whole number from 1 to {MaxLimit}");

    public static Parsed<int> Offset(string? text) =>
        QueryText.WholeNumber(text, 0, MaxOffset, 0, $"must be a whole number from 0 to {MaxOffset}; go deeper with 'cursor'");

    public static string Fingerprint(IReadOnlyList<string> sources) =>
        OpaqueCursor.Fingerprint(string.Join(',', sources.Order(StringComparer.Ordinal)));

    /// <summary>A cursor of the list <paramref name="kind"/> at a row (its timestamp and key, the key as text).</summary>
    public static string Encode(string kind, IReadOnlyList<string> sources, DateTimeOffset at, string key)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return OpaqueCursor.Encode(kind, Fingerprint(sources), json =>
        {
            json.WriteNumberValue(at.UtcTicks);
            json.WriteStringValue(key);
        });
    }

    /// <summary>Opens a cursor of the list <paramref name="kind"/>; one of another list, or with a key that is not one, was not issued here.</summary>
    public static Parsed<ListCursor<TKey>?> ParseCursor<TKey>(string? text, string kind, Func<string, TKey?> readKey)
        where TKey : struct =>
        OpaqueCursor.Open(text, positionItems: 2, (scope, fingerprint, items) =>
            scope == kind && OpaqueCursor.TryReadTicks(items[0], out var at)
            && items[1].ValueKind == JsonValueKind.String && readKey(items[1].GetString()!) is { } key
                ? new ListCursor<TKey>(fingerprint, at, key)
                : null);

    public static long? ReadLongKey(string text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public static Guid? ReadGuidKey(string text) => Guid.TryParseExact(text, "N", out var id) ? id : null;

    /// <summary>Every rule of the list parameters, by parameter name; a cursor is judged once the rest holds.</summary>
    public static void AddListRules<TQuery, TKey>(this AbstractValidator<TQuery> validator)
        where TQuery : INewestFirstListQuery<TKey>
        where TKey : struct
    {
        ArgumentNullException.ThrowIfNull(validator);
        validator.RuleFor(q => q.Sources).Reported("source");
        validator.RuleFor(q => q.Limit).Reported("limit");
        validator.RuleFor(q => q.Offset).Reported("offset");
        validator.RuleFor(q => q.Cursor).Reported("cursor");
        validator.RuleFor(q => q.Cursor)
            .Must((q, _) => !q.Offset.Given)
            .When(q => q.Cursor.Given)
            .OverridePropertyName("cursor")
            .WithMessage("give either 'offset' or 'cursor', not both");
        validator.RuleFor(q => q.Cursor)
            .Must((q, cursor) => cursor.Value!.Fingerprint == Fingerprint(q.Sources.Value))
            .When(q => q.Cursor.Value is not null && !q.Offset.Given && q.Sources.IsValid && q.Limit.IsValid)
            .OverridePropertyName("cursor")
            .WithMessage("was issued for another 'source' filter; start again without a cursor");
    }

    /// <summary>Trims <paramref name="rows"/> (read with one row extra) to the page and says how to get the next one.</summary>
    public static (IReadOnlyList<T> Data, ListPagination Pagination) Finish<T, TKey>(
        INewestFirstListQuery<TKey> query, string kind, PageRows<T> rows, Func<T, (DateTimeOffset At, string Key)> positionOf)
        where TKey : struct
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(positionOf);
        var limit = query.Limit.Value;
        var hasMore = rows.Rows.Count > limit;
        IReadOnlyList<T> data = hasMore ? rows.Rows.Take(limit).ToList() : rows.Rows;
        string? next = null;
        if (hasMore)
        {
            var (at, key) = positionOf(data[^1]);
            next = Encode(kind, query.Sources.Value, at, key);
        }

        var exact = rows.Counted <= MaxOffset;
        var offset = query.Cursor.Value is null ? query.Offset.Value : (int?)null;
        return (data, new ListPagination(limit, offset, data.Count, exact ? rows.Counted : MaxOffset, exact, next));
    }
}

/// <summary>
/// How a list page relates to the whole: <see cref="Offset"/> is null on cursor pages; <see cref="Total"/> counts the
/// matching rows exactly up to 10,000 (beyond, it is 10,000 and <see cref="TotalExact"/> is false).
/// </summary>
public sealed record ListPagination(int Limit, int? Offset, int Returned, long Total, bool TotalExact, string? NextCursor);

/// <summary>Rows of a page (one more than asked when another page follows) and the capped count of all matches.</summary>
public sealed record PageRows<T>(IReadOnlyList<T> Rows, long Counted);
