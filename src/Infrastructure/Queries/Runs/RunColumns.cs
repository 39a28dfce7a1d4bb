using Kasparro.Application.Runs;
using Npgsql;

namespace Kasparro.Infrastructure.Queries.Runs;

/// <summary>The <c>etl_runs</c> columns a <see cref="RunDto"/> is read from, in order, and helpers the operations readers share.</summary>
internal static class RunColumns
{
    public const string List =
        "id, source, trigger, status, started_at, finished_at, duration_ms, read_count, loaded_count, skipped_count, rejected_count, error_message";

    /// <summary>The same columns qualified by a table alias.</summary>
    public static string Of(string alias) => string.Join(", ", List.Split(", ").Select(c => alias + "." + c));

    public const int Count = 12;

    public static RunDto Read(NpgsqlDataReader reader, int first = 0) => new(
        reader.GetGuid(first),
        reader.GetString(first + 1),
        reader.GetString(first + 2),
        reader.GetString(first + 3),
        reader.GetFieldValue<DateTimeOffset>(first + 4),
        reader.IsDBNull(first + 5) ? null : reader.GetFieldValue<DateTimeOffset>(first + 5),
        reader.IsDBNull(first + 6) ? null : reader.GetInt64(first + 6),
        reader.GetInt64(first + 7),
        reader.GetInt64(first + 8),
        reader.GetInt64(first + 9),
        reader.GetInt64(first + 10),
        reader.IsDBNull(first + 11) ? null : reader.GetString(first + 11));

    public static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
