using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence.Changes;

/// <summary>
/// Keeps <see cref="DataVersionTracker"/> current: on a connection of its own it LISTENs on
/// <see cref="DataVersionSql.Channel"/>, reads the version once, and from then on takes each notice's version. When
/// no notice came for <see cref="ProbeInterval"/>, it reads the version on the same connection with a short timeout:
/// a connection that stopped answering is found within <see cref="ProbeInterval"/> plus that timeout, and a notice that
/// was somehow missed is made up for. When the connection fails, the tracker is told at once (reads then ask the
/// database every time), and the listener connects again after a delay that doubles from one second up to
/// <see cref="MaxRetryDelay"/>.
/// </summary>
public sealed partial class DataChangeListener : BackgroundService
{
    /// <summary>The listener's <c>application_name</c> (in <c>pg_stat_activity</c>).</summary>
    public const string ApplicationName = "kasparro-changes";

    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger<DataChangeListener> _logger;

    /// <summary>Its series (<see cref="DataChangeInstruments"/>) are created with it: wherever it runs, they report it.</summary>
    public DataChangeListener(PostgresDatabase database, IMeterFactory meters, TimeProvider time, ILogger<DataChangeListener> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _time = time;
        _logger = logger;
        DataChangeInstruments.Create(meters, database.DataVersion);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tracker = _database.DataVersion;
        var delay = FirstRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(tracker, () => delay = FirstRetryDelay, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Whatever ended it, the API must not stop: it answers without the cache until the listener is back.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogLost(ex.GetType().Name, (long)delay.TotalMilliseconds, ex);
            }
            finally
            {
                tracker.Lost();
            }

            try
            {
                await Task.Delay(delay, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private async Task ListenAsync(DataVersionTracker tracker, Action listening, CancellationToken cancellationToken)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken);
        connection.Notification += (_, notice) =>
        {
            if (long.TryParse(notice.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                tracker.Heard(version);
            }
        };

        // The session's own name and LISTEN are reset when the connection goes back to the pool.
        await using (var listen = new NpgsqlCommand($"SET application_name = '{ApplicationName}'; LISTEN {DataVersionSql.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        // Read after LISTEN: a change committed from here on is heard, one committed before is in what is read.
        var ownChanges = tracker.OwnChanges;
        var version = await DataVersionSql.ReadAsync(connection, ProbeTimeout, cancellationToken);
        tracker.Listening(version, ownChanges);
        listening();
        LogListening(version);

        while (true)
        {
            if (!await connection.WaitAsync(ProbeInterval, cancellationToken))
            {
                tracker.Heard(await DataVersionSql.ReadAsync(connection, ProbeTimeout, cancellationToken));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for data changes from version {Version}: the API answers from its cache again")]
    private partial void LogListening(long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the data change listener ({ExceptionType}): the API reads the data version from the database on every request and bypasses its cache; connecting again in {DelayMs} ms")]
    private partial void LogLost(string exceptionType, long delayMs, Exception exception);
}
