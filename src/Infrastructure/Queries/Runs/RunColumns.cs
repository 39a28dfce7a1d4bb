using Kasparro.Application.Runs;
using Npgsql;

namespace Kasparro.Infrastructure.Queries.Runs;

/// <summary>
/// The <c>etl_runs</c> columns a <see cref="RunDto"/> is read from, in order, and helpers for the operations statements
/// that stay SQL on Npgsql (the anomaly history, the statistics, the metrics).
/// </summary>
internal static class RunColumns
{
    public const string List =
        "id, source, trigger, status, started_at, finished_at, duration_ms, read_count, loaded_count, skipped_count, rejected_count, error_message";

    /// <summary>The same columns qualified by a table alias.</summary>
    public static string Of(string alias) => string.Join(", ", List.Split(", ").Select(c => alias + "." + c));

    public const int Count = 12;

    public static RunDto Read(NpgsqlDataReader reader, int first = 0) => new()
    {
        Id = reader.GetGuid(first),
        Source = reader.GetString(first + 1),
        Trigger = reader.GetString(first + 2),
        Status = reader.GetString(first + 3),
        StartedAt = reader.GetFieldValue<DateTimeOffset>(first + 4),
        FinishedAt = NullableTime(reader, first + 5),
        DurationMs = reader.IsDBNull(first + 6) ? null : reader.GetInt64(first + 6),
        Read = reader.GetInt64(first + 7),
        Loaded = reader.GetInt64(first + 8),
        Skipped = reader.GetInt64(first + 9),
        Rejected = reader.GetInt64(first + 10),
        Error = reader.IsDBNull(first + 11) ? null : reader.GetString(first + 11),
    };

    public static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
