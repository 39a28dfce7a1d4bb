using Kasparro.Application.Common.Exceptions;
using Kasparro.Infrastructure.Persistence.Changes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// The one <see cref="NpgsqlDataSource"/> of the process, created on first use. Creating it late lets commands that
/// need no database (<c>--help</c>, a usage error) run without <c>DATABASE_URL</c>, and makes a missing setting
/// surface as a <see cref="ConfigurationException"/> where the database is first needed, inside the request that
/// needs it (a handler's constructor would see it wrapped by the mediator).
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>Statements prepared per physical connection once used <c>AutoPrepareMinUsages</c> times (Npgsql's default 5).</summary>
    public const int MaxAutoPrepare = 64;

    private readonly Lazy<NpgsqlDataSource> _dataSource;
    private readonly Lazy<NpgsqlDataSource> _readDataSource;

    /// <summary>A database at <paramref name="databaseUrl"/> (a postgres:// URL or a connection string).</summary>
    public PostgresDatabase(string databaseUrl)
        : this(readOnly => CreateDataSource(DatabaseUrl.ToConnectionString(databaseUrl), null, readOnly))
    {
    }

    private PostgresDatabase(Func<bool, NpgsqlDataSource> create)
    {
        _dataSource = new Lazy<NpgsqlDataSource>(() => create(false), LazyThreadSafetyMode.ExecutionAndPublication);
        _readDataSource = new Lazy<NpgsqlDataSource>(() => create(true), LazyThreadSafetyMode.ExecutionAndPublication);
        DataVersion = new DataVersionTracker(this);
    }

    /// <summary>
    /// The pool of the writers (ingestion, locks, migrations): a connection's session state (a session advisory lock, a
    /// setting) is reset when it goes back to the pool. Throws <see cref="ConfigurationException"/> when
    /// <c>DATABASE_URL</c> is unset or malformed.
    /// </summary>
    public NpgsqlDataSource DataSource => _dataSource.Value;

    /// <summary>
    /// The pool of the read side (the HTTP queries, health): statements that change no session state, so a connection
    /// goes back to the pool without the reset statements Npgsql would otherwise send (and PostgreSQL parse and run)
    /// before its next use; its auto-prepared statements stay prepared.
    /// </summary>
    public NpgsqlDataSource ReadDataSource => _readDataSource.Value;

    /// <summary>What this process knows of the version of this database's data; every writer tells it of its commits.</summary>
    public DataVersionTracker DataVersion { get; }

    /// <summary>Reads <c>DATABASE_URL</c> when the data source is first needed, not now.</summary>
    public static PostgresDatabase FromConfiguration(IConfiguration configuration, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new PostgresDatabase(readOnly =>
        {
            var url = configuration["DATABASE_URL"];
            if (string.IsNullOrWhiteSpace(url))
            {
                throw new ConfigurationException(
                    "DATABASE_URL is not set: give postgres://user:password@host:port/database or an Npgsql connection string (make up sets it)");
            }

            return CreateDataSource(DatabaseUrl.ToConnectionString(url), loggerFactory, readOnly);
        });
    }

    /// <summary>
    /// The data source settings every connection of the platform uses: auto-prepare on, no secrets kept; for the read
    /// side (<paramref name="readOnly"/>), no session reset between uses.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, ILoggerFactory? loggerFactory, bool readOnly = false)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = MaxAutoPrepare;
        }

        builder.ConnectionStringBuilder.PersistSecurityInfo = false;
        if (readOnly)
        {
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }

        builder.Name = readOnly ? "kasparro-read" : "kasparro";
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource.IsValueCreated)
        {
            await _dataSource.Value.DisposeAsync();
        }

        if (_readDataSource.IsValueCreated)
        {
            await _readDataSource.Value.DisposeAsync();
        }
    }

    public void Dispose()
    {
        if (_dataSource.IsValueCreated)
        {
            _dataSource.Value.Dispose();
        }

        if (_readDataSource.IsValueCreated)
        {
            _readDataSource.Value.Dispose();
        }
    }
}
