using System.Globalization;
using Kasparro.Application.Changes;
using Kasparro.Infrastructure.Persistence;
using Kasparro.Infrastructure.Persistence.Changes;
using Kasparro.IntegrationTests.Fixtures;
using Npgsql;
using static Kasparro.IntegrationTests.Persistence.TestData;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>
/// Every stored change moves the data version on and sends the new value on the change channel when, and only when,
/// it commits; the process that stored it sees it at once (docs/decisions/0011-response-cache.md).
/// </summary>
public sealed class DataVersionTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private readonly PostgresIngestionStore _store = new(db.Database);

    [Fact]
    public async Task ABatch_MovesTheVersionOnWhenItCommits_AndOneRolledBackNeither_MovesItNorSendsANotice()
    {
        var run = await _store.StartRunAsync();
        var asset = Asset("VERS", "Version Coin");
        await db.Database.StoreIdentitiesAsync([asset], [Mapping(asset, "vers")]);
        await using var listening = await ListenAsync();
        var before = await VersionAsync();

        await using (var written = await db.Database.Steps(run).WriteAsync(Batch(quotes: [Quote(asset, "vers", price: 1m)]), CancellationToken.None))
        {
            written.Loaded.ShouldBe(1);
        }

        (await VersionAsync()).ShouldBe(before, "a batch rolled back leaves the version");
        await db.Database.StoreBatchAsync(run, Batch(quotes: [Quote(asset, "vers", price: 2m)]));

        (await VersionAsync()).ShouldBe(before + 1);
        (await NextNoticeAsync(listening)).ShouldBe((before + 1).ToString(CultureInfo.InvariantCulture), "the first notice is the stored batch's");
    }

    [Fact]
    public async Task ARunStartingAndEnding_AndAnIdentityDecision_EachMoveTheVersionOn()
    {
        var before = await VersionAsync();

        var run = await _store.StartRunAsync();
        await db.Database.StoreIdentitiesAsync([Asset("IDNT", "Identity Coin")]);
        run.Succeed(run.StartedAt.AddMinutes(1));
        await _store.SaveRunAsync(run, CancellationToken.None);
        await _store.CloseAbandonedRunsAsync("coingecko", T0, CancellationToken.None);

        (await VersionAsync()).ShouldBe(before + 4);
    }

    [Fact]
    public async Task WhileWatched_TheVersionComesFromMemory_ButAChangeOfThisProcessIsReadBackAtOnce()
    {
        await using var process = new PostgresDatabase(db.ConnectionString);
        var tracker = process.DataVersion;
        var stored = await VersionAsync();
        (await tracker.CurrentAsync(CancellationToken.None)).ShouldBe(new DataVersion(stored, Watched: false, Epoch: 0), "unwatched: read from the database");

        // As the listener does once it LISTENs; no notice can reach this tracker, so only memory and its own changes count.
        tracker.Listening(stored, tracker.OwnChanges);
        await db.ExecuteAsync(DataVersionSql.BumpSql);
        (await tracker.CurrentAsync(CancellationToken.None)).ShouldBe(new DataVersion(stored, Watched: true, Epoch: 1), "a change it has not heard of is not seen");

        await tracker.ChangedAsync(CancellationToken.None);

        (await tracker.CurrentAsync(CancellationToken.None)).ShouldBe(new DataVersion(stored + 2, Watched: true, Epoch: 1));
        tracker.Lost();
        (await tracker.CurrentAsync(CancellationToken.None)).Watched.ShouldBeFalse();
    }

    private async Task<long> VersionAsync() => await db.ScalarAsync<long>(DataVersionSql.ReadSql);

    private async Task<NpgsqlConnection> ListenAsync()
    {
        var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var listen = new NpgsqlCommand($"LISTEN {DataVersionSql.Channel}", connection);
        await listen.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task<string> NextNoticeAsync(NpgsqlConnection connection)
    {
        string? payload = null;
        connection.Notification += (_, notice) => payload ??= notice.Payload;
        (await connection.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue("a notice arrives");
        return payload!;
    }
}
