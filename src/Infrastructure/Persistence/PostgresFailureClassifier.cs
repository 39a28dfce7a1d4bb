using System.Data.Common;
using System.Net.Sockets;
using Kasparro.Application.Common.Exceptions;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// An outage is a failure to reach or stay connected to PostgreSQL: a socket error, a connect timeout, the server
/// shutting down or refusing connections (SQLSTATE classes 08 and 57P, 53300). Query errors are bugs, not outages.
/// </summary>
public sealed class PostgresFailureClassifier : IFailureClassifier
{
    public bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                           || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
                           || postgres.SqlState == PostgresErrorCodes.TooManyConnections;
                case NpgsqlException:
                case SocketException:
                case DbException { IsTransient: true }:
                    return true;
                default:
                    break;
            }
        }

        return false;
    }
}
