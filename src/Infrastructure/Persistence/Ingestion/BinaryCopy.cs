using Npgsql;
using NpgsqlTypes;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary>Writing nullable values into a binary <c>COPY</c>, which takes a null as a call of its own.</summary>
internal static class BinaryCopy
{
    /// <summary>Text cleaned for PostgreSQL (<see cref="PgText"/>), or null.</summary>
    public static ValueTask WriteTextAsync(this NpgsqlBinaryImporter importer, string? text, CancellationToken cancellationToken) =>
        importer.WriteNullableAsync(PgText.CleanOrNull(text), NpgsqlDbType.Text, cancellationToken);

    public static async ValueTask WriteNullableAsync(this NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await importer.WriteNullAsync(cancellationToken);
        }
        else
        {
            await importer.WriteAsync(value, type, cancellationToken);
        }
    }

    public static async ValueTask WriteBytesAsync(this NpgsqlBinaryImporter importer, ReadOnlyMemory<byte>? value, CancellationToken cancellationToken)
    {
        if (value is { } bytes)
        {
            await importer.WriteAsync(bytes, NpgsqlDbType.Bytea, cancellationToken);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken);
        }
    }

    public static async ValueTask WriteBigintAsync(this NpgsqlBinaryImporter importer, long? value, CancellationToken cancellationToken)
    {
        if (value is { } number)
        {
            await importer.WriteAsync(number, NpgsqlDbType.Bigint, cancellationToken);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken);
        }
    }

    public static async ValueTask WriteNumericAsync(this NpgsqlBinaryImporter importer, decimal? value, CancellationToken cancellationToken)
    {
        if (value is { } number)
        {
            await importer.WriteAsync(number, NpgsqlDbType.Numeric, cancellationToken);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken);
        }
    }
}
