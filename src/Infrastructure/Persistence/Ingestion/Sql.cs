using Npgsql;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary>Statements with typed parameters, for the write path's pipelined batches of statements.</summary>
internal static class Sql
{
    public static NpgsqlBatchCommand Statement(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    public static NpgsqlParameter<T[]> Values<T>(T[] values) => new() { TypedValue = values };
}
