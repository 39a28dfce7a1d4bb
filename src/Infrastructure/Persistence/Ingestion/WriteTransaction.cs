using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary>
/// One pooled connection and one READ COMMITTED transaction on it: what each step of the write path runs in
/// (docs/write-path.md). A transaction that need not be durable by itself commits without waiting for the disk; the
/// next durable commit on the server makes it durable too, the write-ahead log being flushed in order. Disposing
/// without <see cref="CommitAsync"/> rolls back.
/// </summary>
internal sealed partial class WriteTransaction : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly bool _durable;
    private readonly ILogger _logger;
    private NpgsqlTransaction _transaction;
    private bool _committed;

    private WriteTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, bool durable, ILogger logger)
    {
        _connection = connection;
        _transaction = transaction;
        _durable = durable;
        _logger = logger;
    }

    /// <summary>Nothing has been sent in this transaction yet: starting it over loses nothing.</summary>
    public bool IsFresh { get; private set; } = true;

    /// <param name="durable">Whether the commit waits until the transaction is on disk.</param>
    public static async Task<WriteTransaction> BeginAsync(NpgsqlDataSource dataSource, bool durable, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return new WriteTransaction(connection, await BeginOnAsync(connection, durable, cancellationToken), durable, logger);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A batch of statements, sent in one round trip.</summary>
    public NpgsqlBatch CreateBatch()
    {
        IsFresh = false;
        return new NpgsqlBatch(_connection, _transaction);
    }

    public Task<NpgsqlBinaryImporter> BeginCopyAsync(string copySql, CancellationToken cancellationToken)
    {
        IsFresh = false;
        return _connection.BeginBinaryImportAsync(copySql, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="copy"/> as the first work of a fresh transaction, expecting every row to be new and letting
    /// the unique indexes check: <c>true</c> when they took every row. When one refuses a row (stored before), the
    /// transaction starts over and this returns <c>false</c>, and so it does at once in a transaction that is not
    /// fresh: the caller then looks up what is stored. Starting over replaces a savepoint around each copy (a
    /// subtransaction, which every copied row would belong to) at no cost, since nothing else was written.
    /// </summary>
    public async Task<bool> TryCopyFirstAsync(Func<Task> copy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(copy);
        if (!IsFresh)
        {
            return false;
        }

        try
        {
            await copy();
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            LogStartingOver();
            await _transaction.RollbackAsync(cancellationToken);
            await _transaction.DisposeAsync();
            _transaction = await BeginOnAsync(_connection, _durable, cancellationToken);
            return false;
        }
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _transaction.CommitAsync(cancellationToken);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_committed)
        {
            LogRolledBack();
        }

        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private static async Task<NpgsqlTransaction> BeginOnAsync(NpgsqlConnection connection, bool durable, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        if (!durable)
        {
            // For this transaction only: its commit returns without waiting for the WAL flush.
            await using var relax = new NpgsqlCommand("SET LOCAL synchronous_commit = off", connection, transaction);
            await relax.ExecuteNonQueryAsync(cancellationToken);
        }

        return transaction;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Copy met rows stored before: the transaction starts over and copies after looking them up")]
    private partial void LogStartingOver();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Write rolled back: disposed before commit")]
    private partial void LogRolledBack();
}
