using System.Globalization;
using Kasparro.Application.Runs;
using Kasparro.Application.Runs.Ports;
using Kasparro.Application.SchemaDrift;
using Kasparro.Application.SchemaDrift.Ports;
using Kasparro.Infrastructure.Queries.Runs;
using Npgsql;
using NpgsqlTypes;

namespace Kasparro.Infrastructure.Queries.SchemaDrift;

/// <summary><c>/v1/schema-drift</c>: a newest-first page of <c>schema_drift_events</c> and its capped count, one round trip.</summary>
public sealed class PostgresSchemaDriftReader(NpgsqlDataSource dataSource) : ISchemaDriftReader
{
    private const string Columns = "id, source, run_id, stream, expected_field, observed_field, confidence, action, message, detected_at";

    public Task<PageRows<SchemaDriftEventDto>> ReadPageAsync(NewestFirstPage page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        object? after = page.After is { } position ? long.Parse(position.Key, NumberStyles.None, CultureInfo.InvariantCulture) : null;
        return NewestFirstSql.ReadPageAsync(dataSource, page, "schema_drift_events", Columns, "detected_at", NpgsqlDbType.Bigint, after, Read, cancellationToken);
    }

    private static SchemaDriftEventDto Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetGuid(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        Normalize(reader.GetDecimal(6)),
        reader.GetString(7),
        reader.GetString(8),
        reader.GetFieldValue<DateTimeOffset>(9));

    /// <summary>The value without its column's trailing zeros: 0.91 rather than 0.9100.</summary>
    internal static decimal Normalize(decimal value) => value / 1.0000000000000000000000000000m;
}
