using System.Data.Common;
using System.Net.Sockets;
using Kasparro.Application.Common.Ports;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// An outage is a failure to reach, enter or stay connected to PostgreSQL: a socket error, a connect timeout, the
/// server shutting down or refusing connections (SQLSTATE classes 08 and 57P, 53300), and a server that turns the
/// login away (class 28: no such role, a wrong password; 3D000: no such database). From inside the process the last
/// two look alike whether <c>DATABASE_URL</c> is wrong or the server changed; either way no request can be served, so
/// every host reports them as it reports an outage (503, exit code 1), with the server's reason. Query errors are
/// bugs, not outages.
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
                           || postgres.SqlState.StartsWith("28", StringComparison.Ordinal)
                           || postgres.SqlState is PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.InvalidCatalogName;
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
