using Kasparro.Application.Ingestion.Ports;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// One run per source across every process sharing the database: a session-level
/// <c>pg_try_advisory_lock(namespace, hash(source))</c> on a connection held open for the whole lease. Disposing the
/// lease unlocks and closes the connection; if the process dies, PostgreSQL ends the session and releases it.
/// </summary>
public sealed partial class PostgresSourceRunLock(PostgresDatabase database, ILogger<PostgresSourceRunLock> logger) : ISourceRunLock
{
    public async Task<IAsyncDisposable?> TryAcquireAsync(string source, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        var key = AdvisoryLockKeys.SourceKey(source);
        var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, $2)", connection)
            {
                Parameters = { new NpgsqlParameter<int> { TypedValue = AdvisoryLockKeys.SourceRunNamespace }, new NpgsqlParameter<int> { TypedValue = key } },
            };
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                LogAcquired(source);
                return new Lease(this, connection, source, key);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run lock of {Source} acquired")]
    private partial void LogAcquired(string source);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run lock of {Source} released")]
    private partial void LogReleased(string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run lock of {Source} could not be released explicitly; closing its connection releases it")]
    private partial void LogReleaseFailed(Exception exception, string source);

    private sealed class Lease(PostgresSourceRunLock owner, NpgsqlConnection connection, string source, int key) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1, $2)", connection)
                {
                    Parameters = { new NpgsqlParameter<int> { TypedValue = AdvisoryLockKeys.SourceRunNamespace }, new NpgsqlParameter<int> { TypedValue = key } },
                };
                await command.ExecuteScalarAsync(CancellationToken.None);
                owner.LogReleased(source);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // End the session instead of returning it to the pool still holding the lock: PostgreSQL releases
                // session locks with the session.
                owner.LogReleaseFailed(ex, source);
                NpgsqlConnection.ClearPool(connection);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
