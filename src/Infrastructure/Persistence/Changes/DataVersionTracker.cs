using Kasparro.Application.Changes;
using Kasparro.Application.Changes.Ports;

namespace Kasparro.Infrastructure.Persistence.Changes;

/// <summary>
/// What this process knows of the data version (<see cref="DataVersion"/>). While <see cref="DataChangeListener"/> holds
/// its LISTEN connection, the version is kept in memory from the notices it hears, and reading it costs no query. While
/// it does not, or after this process committed a change of its own whose notice has not been read back yet, the
/// version is read from the database, and the answer says it is not watched.
/// </summary>
public sealed class DataVersionTracker(PostgresDatabase database) : IDataVersion
{
    /// <summary>How long reading the version may take before the read fails.</summary>
    internal static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private long _version;
    private long _heardWhileConnecting;
    private bool _watching;
    private long _epoch;

    // Changes this process committed, and how many of them a read of the version has covered since.
    private long _ownChanges;
    private long _ownChangesRead;

    /// <summary>Whether the listener hears of every change now.</summary>
    public bool Watching
    {
        get
        {
            lock (_gate)
            {
                return _watching;
            }
        }
    }

    /// <summary>The last version this process knew of (0 before it knew any).</summary>
    public long KnownVersion
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>How many times the listener started hearing of changes.</summary>
    public long Epoch
    {
        get
        {
            lock (_gate)
            {
                return _epoch;
            }
        }
    }

    public async ValueTask<DataVersion> CurrentAsync(CancellationToken cancellationToken)
    {
        long ownChanges;
        lock (_gate)
        {
            if (_watching && _ownChanges == _ownChangesRead)
            {
                return new DataVersion(_version, Watched: true, _epoch);
            }

            ownChanges = _ownChanges;
        }

        long read;
        await using (var connection = await database.ReadDataSource.OpenConnectionAsync(cancellationToken))
        {
            read = await DataVersionSql.ReadAsync(connection, ReadTimeout, cancellationToken);
        }

        lock (_gate)
        {
            if (!_watching)
            {
                return new DataVersion(read, Watched: false, _epoch);
            }

            _version = Math.Max(_version, read);
            _ownChangesRead = Math.Max(_ownChangesRead, ownChanges);
            return new DataVersion(_version, Watched: true, _epoch);
        }
    }

    public async Task ChangedAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(DataVersionSql.BumpSql);
        await command.ExecuteNonQueryAsync(cancellationToken);
        Changed();
    }

    /// <summary>
    /// This process committed a change (with <see cref="DataVersionSql.Bump"/>): until the version is read again, no
    /// read trusts the one in memory, so the change is seen here at once, before its notice comes back.
    /// </summary>
    public void Changed()
    {
        lock (_gate)
        {
            _ownChanges++;
        }
    }

    /// <summary>The changes of this process so far; the listener notes them before it reads the version.</summary>
    internal long OwnChanges
    {
        get
        {
            lock (_gate)
            {
                return _ownChanges;
            }
        }
    }

    /// <summary>
    /// The listener hears again: <paramref name="version"/> was read after LISTEN, so every later change will be heard,
    /// and it covers this process's <paramref name="ownChangesBefore"/> changes, committed before it was read.
    /// </summary>
    internal void Listening(long version, long ownChangesBefore)
    {
        lock (_gate)
        {
            _watching = true;
            _version = Math.Max(version, _heardWhileConnecting);
            _ownChangesRead = Math.Max(_ownChangesRead, ownChangesBefore);
            _epoch++;
        }
    }

    /// <summary>A notice (or the listener's probe) says the version is now at least <paramref name="version"/>.</summary>
    internal void Heard(long version)
    {
        lock (_gate)
        {
            if (_watching)
            {
                _version = Math.Max(_version, version);
            }
            else
            {
                // A notice that arrives while the listener reads the version it starts from.
                _heardWhileConnecting = Math.Max(_heardWhileConnecting, version);
            }
        }
    }

    /// <summary>The listener cannot hear any more: from now on, the version is read from the database every time.</summary>
    internal void Lost()
    {
        lock (_gate)
        {
            _watching = false;
            _heardWhileConnecting = 0;
        }
    }
}
