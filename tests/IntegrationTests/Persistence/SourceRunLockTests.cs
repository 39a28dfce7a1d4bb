using Kasparro.Infrastructure.Persistence;
using Kasparro.IntegrationTests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kasparro.IntegrationTests.Persistence;

public sealed class SourceRunLockTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task TryAcquire_WhileAnotherProcessHoldsTheSource_ReturnsNull()
    {
        // Two data sources stand for two processes: the lock must hold across connections, not only in one pool.
        await using var otherProcess = new PostgresDatabase(db.ConnectionString);
        var first = Lock(db.Database);
        var second = Lock(otherProcess);

        await using var held = await first.TryAcquireAsync("lock-a", CancellationToken.None);
        var refused = await second.TryAcquireAsync("lock-a", CancellationToken.None);

        held.ShouldNotBeNull();
        refused.ShouldBeNull();
    }

    [Fact]
    public async Task TryAcquire_AfterTheHolderReleases_Succeeds()
    {
        var runLock = Lock(db.Database);
        var held = await runLock.TryAcquireAsync("lock-b", CancellationToken.None);
        held.ShouldNotBeNull();
        (await runLock.TryAcquireAsync("lock-b", CancellationToken.None)).ShouldBeNull();

        await held.DisposeAsync();
        await using var again = await runLock.TryAcquireAsync("lock-b", CancellationToken.None);

        again.ShouldNotBeNull();
    }

    [Fact]
    public async Task TryAcquire_ForDifferentSources_DoesNotBlock()
    {
        var runLock = Lock(db.Database);

        await using var csv = await runLock.TryAcquireAsync("lock-csv", CancellationToken.None);
        await using var gecko = await runLock.TryAcquireAsync("lock-gecko", CancellationToken.None);

        csv.ShouldNotBeNull();
        gecko.ShouldNotBeNull();
    }

    [Fact]
    public async Task TryAcquire_WhenTheHoldingSessionEnds_IsReleasedByPostgres()
    {
        await using var dying = new PostgresDatabase(db.ConnectionString);
        var held = await Lock(dying).TryAcquireAsync("lock-c", CancellationToken.None);
        held.ShouldNotBeNull();

        await using (var kill = db.Database.DataSource.CreateCommand(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2"))
        {
            kill.Parameters.Add(new Npgsql.NpgsqlParameter { Value = AdvisoryLockKeys.SourceRunNamespace });
            kill.Parameters.Add(new Npgsql.NpgsqlParameter { Value = AdvisoryLockKeys.SourceKey("lock-c") });
            await kill.ExecuteNonQueryAsync();
        }

        // Termination is asynchronous: wait until the server no longer lists the lock, then take it.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using (var stillListed = db.Database.DataSource.CreateCommand(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2"))
        {
            stillListed.Parameters.Add(new Npgsql.NpgsqlParameter { Value = AdvisoryLockKeys.SourceRunNamespace });
            stillListed.Parameters.Add(new Npgsql.NpgsqlParameter { Value = AdvisoryLockKeys.SourceKey("lock-c") });
            while ((long)(await stillListed.ExecuteScalarAsync(timeout.Token))! > 0)
            {
                await Task.Delay(10, timeout.Token);
            }
        }

        await using var taken = await Lock(db.Database).TryAcquireAsync("lock-c", CancellationToken.None);
        taken.ShouldNotBeNull();
        await held.DisposeAsync();
    }

    [Fact]
    public void SourceKey_IsStableAcrossProcesses()
    {
        AdvisoryLockKeys.SourceKey("csv").ShouldBe(AdvisoryLockKeys.SourceKey("csv"));
        AdvisoryLockKeys.SourceKey("csv").ShouldBe(unchecked((int)0xf847_265f));
        AdvisoryLockKeys.SourceKey("coinpaprika").ShouldNotBe(AdvisoryLockKeys.SourceKey("coingecko"));
    }

    private static PostgresSourceRunLock Lock(PostgresDatabase database) => new(database, NullLogger<PostgresSourceRunLock>.Instance);
}
