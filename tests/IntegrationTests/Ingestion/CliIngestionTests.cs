using Kasparro.IntegrationTests.Fixtures;
using Npgsql;

namespace Kasparro.IntegrationTests.Ingestion;

/// <summary>The real executable as an operator runs it: crashes, failure injection, a busy source, concurrent migrations.</summary>
public sealed class CliIngestionTests : IAsyncLifetime
{
    private const int Tickers = 40;
    private const int Days = 1_500;
    private const int Rows = Tickers * Days;

    private readonly TempCsvFolder _files = new();
    private PostgresServer _server = null!;
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        _connectionString = await _server.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DropDatabaseAsync(_connectionString);
        _files.Dispose();
    }

    private static Dictionary<string, string> Env(int batchSize = 500) => new() { ["INGEST_BATCH_SIZE"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Kasparro.Infrastructure.Persistence.DatabaseUrl.ToConnectionString(_connectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls the database until a condition holds: the test waits for a state, never for a time.</summary>
    private async Task WaitUntilAsync(string sql, CliProcess process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!await ScalarAsync<bool>(sql))
        {
            process.HasExited.ShouldBeFalse("the run ended before the awaited state was seen");
            await Task.Delay(10, timeout.Token);
        }
    }

    /// <summary>
    /// SIGKILL at a moment of the run, then a rerun. The moments: the run is open (its first batches may be reading,
    /// landing or writing), raw records have landed (the batches holding them may not be stored yet), and batches are
    /// stored with their checkpoints (others in flight behind them).
    /// </summary>
    [Theory]
    [InlineData("SELECT EXISTS (SELECT 1 FROM etl_runs WHERE status = 'running')")]
    [InlineData("SELECT EXISTS (SELECT 1 FROM raw_csv)")]
    [InlineData("SELECT EXISTS (SELECT 1 FROM etl_checkpoints WHERE rows >= 2000)")]
    public async Task Ingest_WhenKilledMidRunThenRerun_EndsWithExactCountsAndNoDuplicates(string killWhen)
    {
        const string Position = "SELECT coalesce((SELECT position FROM etl_checkpoints), 0)";
        var file = _files.Write("big.csv", TempCsvFolder.Header + "\n" + TempCsvFolder.Rows(Tickers, Days));
        var fileLength = new FileInfo(file).Length;
        var checkpoints = new List<long>();

        using (var first = CliProcess.Start(_connectionString, Env(), "ingest", "--source", "csv", "--csv", file))
        {
            await WaitUntilAsync(killWhen, first);
            checkpoints.Add(await ScalarAsync<long>(Position));
            await first.KillAsync();
        }

        var committedBeforeKill = await ScalarAsync<long>("SELECT coalesce((SELECT rows FROM etl_checkpoints), 0)");
        (await ScalarAsync<string>("SELECT status FROM etl_runs")).ShouldBe("running", "the kill must land mid-run");
        committedBeforeKill.ShouldBeLessThan(Rows);
        (await ScalarAsync<long>("SELECT count(*) FROM quotes")).ShouldBe(committedBeforeKill);
        (await ScalarAsync<long>("SELECT read_count FROM etl_runs")).ShouldBe(committedBeforeKill, "the run's counts are stored with its batches");
        checkpoints.Add(await ScalarAsync<long>(Position));

        var rerun = await CliProcess.RunAsync(_connectionString, Env(), "ingest", "--source", "csv", "--csv", file);

        rerun.ExitCode.ShouldBe(0, rerun.Stderr);
        var summary = rerun.Summaries.ShouldHaveSingleItem();
        summary.GetProperty("status").GetString().ShouldBe("succeeded");
        summary.GetProperty("read").GetInt64().ShouldBe(Rows - committedBeforeKill);
        summary.GetProperty("loaded").GetInt64().ShouldBe(Rows - committedBeforeKill);
        (await ScalarAsync<long>("SELECT count(*) FROM quotes")).ShouldBe(Rows);
        (await ScalarAsync<long>("SELECT count(*) FROM (SELECT DISTINCT source, source_asset_id, observed_at FROM quotes) k")).ShouldBe(Rows);
        (await ScalarAsync<long>("SELECT count(*) FROM raw_csv")).ShouldBe(Rows);
        (await ScalarAsync<long>("SELECT sum(loaded_count)::bigint FROM etl_runs")).ShouldBe(Rows);
        (await ScalarAsync<long>("SELECT count(*) FROM etl_checkpoints WHERE position IS NULL OR state IS NULL")).ShouldBe(0);
        checkpoints.Add(await ScalarAsync<long>("SELECT position FROM etl_checkpoints"));
        checkpoints.ShouldBeInOrder(SortDirection.Ascending);
        checkpoints[^1].ShouldBe(fileLength);
        (await ScalarAsync<string>("SELECT string_agg(status, ',' ORDER BY started_at) FROM etl_runs")).ShouldBe("failed,succeeded");
        (await ScalarAsync<string>("SELECT error_message FROM etl_runs ORDER BY started_at LIMIT 1")).ShouldStartWith("abandoned");
    }

    [Fact]
    public async Task Ingest_WithFailAfter_ExitsOneAndRecordsAFailedRun()
    {
        var file = _files.Write("prices.csv", TempCsvFolder.Header + "\n" + TempCsvFolder.Rows(5, 100));

        var failed = await CliProcess.RunAsync(_connectionString, Env(batchSize: 64), "ingest", "--source", "csv", "--csv", file, "--fail-after", "130");
        var resumed = await CliProcess.RunAsync(_connectionString, Env(batchSize: 64), "ingest", "--source", "csv", "--csv", file);

        failed.ExitCode.ShouldBe(1);
        var summary = failed.Summaries.ShouldHaveSingleItem();
        summary.GetProperty("status").GetString().ShouldBe("failed");
        summary.GetProperty("read").GetInt64().ShouldBe(130);
        (await ScalarAsync<string>("SELECT error_message FROM etl_runs WHERE trigger = 'cli' ORDER BY started_at LIMIT 1")).ShouldContain("--fail-after 130");
        resumed.ExitCode.ShouldBe(0, resumed.Stderr);
        resumed.Summaries.Single().GetProperty("read").GetInt64().ShouldBe(370);
        (await ScalarAsync<long>("SELECT count(*) FROM quotes")).ShouldBe(500);
    }

    [Fact]
    public async Task Ingest_WhenTheSourceIsAlreadyRunning_TheSecondReportsBusy()
    {
        var file = _files.Write("big.csv", TempCsvFolder.Header + "\n" + TempCsvFolder.Rows(Tickers, Days));
        using var first = CliProcess.Start(_connectionString, Env(batchSize: 200), "ingest", "--source", "csv", "--csv", file);
        await WaitUntilAsync("SELECT EXISTS (SELECT 1 FROM etl_runs WHERE status = 'running')", first);

        var second = await CliProcess.RunAsync(_connectionString, Env(), "ingest", "--source", "csv", "--csv", file);
        var firstResult = await first.WaitAsync(TimeSpan.FromMinutes(3));

        second.ExitCode.ShouldBe(1);
        var busy = second.Summaries.ShouldHaveSingleItem();
        busy.GetProperty("status").GetString().ShouldBe("busy");
        firstResult.ExitCode.ShouldBe(0, firstResult.Stderr);
        (await ScalarAsync<long>("SELECT count(*) FROM etl_runs")).ShouldBe(1);
        (await ScalarAsync<long>("SELECT count(*) FROM quotes")).ShouldBe(Rows);
    }

    [Fact]
    public async Task Ingest_WhenInterrupted_StopsAtABatchBoundaryAndExitsOneWithOneLine()
    {
        var file = _files.Write("big.csv", TempCsvFolder.Header + "\n" + TempCsvFolder.Rows(Tickers, Days));
        using var run = CliProcess.Start(_connectionString, Env(batchSize: 200), "ingest", "--source", "csv", "--csv", file);
        await WaitUntilAsync("SELECT EXISTS (SELECT 1 FROM etl_checkpoints WHERE rows >= 2000)", run);

        await run.InterruptAsync();
        var result = await run.WaitAsync(TimeSpan.FromMinutes(2));

        result.ExitCode.ShouldBe(1, result.Stderr);
        result.Stderr.Split('\n', StringSplitOptions.TrimEntries).ShouldContain("error: interrupted before the command finished");
        result.Stderr.ShouldNotContain("   at ");
        var summary = result.Summaries.ShouldHaveSingleItem();
        summary.GetProperty("status").GetString().ShouldBe("failed");
        (await ScalarAsync<string>("SELECT status FROM etl_runs")).ShouldBe("failed");
        (await ScalarAsync<string>("SELECT error_message FROM etl_runs")).ShouldStartWith("cancelled");
        var committed = await ScalarAsync<long>("SELECT rows FROM etl_checkpoints");
        committed.ShouldBeLessThan(Rows, "the interruption must land mid-run");
        (await ScalarAsync<long>("SELECT count(*) FROM quotes")).ShouldBe(committed);
        summary.GetProperty("loaded").GetInt64().ShouldBe(committed);
    }

    [Fact]
    public async Task Migrate_TwoProcessesAtOnce_BothSucceedAndApplyEachScriptOnce()
    {
        var empty = await _server.CreateEmptyDatabaseAsync();
        try
        {
            using var a = CliProcess.Start(empty, null, "migrate");
            using var b = CliProcess.Start(empty, null, "migrate");
            var results = await Task.WhenAll(a.WaitAsync(TimeSpan.FromMinutes(2)), b.WaitAsync(TimeSpan.FromMinutes(2)));

            results.ShouldAllBe(r => r.ExitCode == 0);
            await using var connection = new NpgsqlConnection(Kasparro.Infrastructure.Persistence.DatabaseUrl.ToConnectionString(empty));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) = count(DISTINCT version) AND count(*) > 0 FROM schema_migrations", connection);
            ((bool)(await command.ExecuteScalarAsync())!).ShouldBeTrue();
        }
        finally
        {
            await _server.DropDatabaseAsync(empty);
        }
    }

    [Fact]
    public async Task Ingest_WithAnUnknownSource_ExitsTwoWithAClearMessage()
    {
        var result = await CliProcess.RunAsync(_connectionString, null, "ingest", "--source", "nasdaq");

        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("unknown source");
        result.Stderr.ShouldNotContain("   at ");
        result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Ingest_WithoutDatabaseUrl_ExitsTwoWithoutLeakingAnything()
    {
        var result = await CliProcess.RunAsync("", null, "ingest");

        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("DATABASE_URL");
        result.Stderr.ShouldNotContain("   at ");
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("ingest")]
    [InlineData("serve")]
    public async Task AnyVerb_WhenTheDatabaseRefuses_ExitsOneWithOneLineNamingTheCause(string verb)
    {
        const string password = "not-a-real-secret-9f2c";
        var port = PostgresServer.FreePort();
        var environment = new Dictionary<string, string> { ["ASPNETCORE_URLS"] = "http://127.0.0.1:0", ["ETL_ON_STARTUP"] = "false" };

        var result = await CliProcess.RunAsync($"postgres://kasparro:{password}@127.0.0.1:{port}/kasparro", environment, verb);

        result.ExitCode.ShouldBe(1, result.Stderr);
        result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldContain(
            $"error: The database is unavailable: Failed to connect to 127.0.0.1:{port}: Connection refused");
        result.Stderr.ShouldNotContain("Unhandled exception");
        result.Stderr.ShouldNotContain("   at ");
        (result.Stdout + result.Stderr).ShouldNotContain(password);
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("ingest")]
    public async Task AnyVerb_WhenTheServerTurnsTheLoginAway_ExitsOneWithTheServersReason(string verb)
    {
        var ours = Kasparro.Infrastructure.Persistence.DatabaseUrl.ToConnectionString(_connectionString);
        var wrongPassword = new NpgsqlConnectionStringBuilder(ours) { Password = "wrong-password-5d1e" };
        var noDatabase = new NpgsqlConnectionStringBuilder(ours) { Database = "no_such_database_5d1e" };

        var refused = await CliProcess.RunAsync(wrongPassword.ConnectionString, null, verb);
        var missing = await CliProcess.RunAsync(noDatabase.ConnectionString, null, verb);

        refused.ExitCode.ShouldBe(1, refused.Stderr);
        refused.Stderr.ShouldContain($"error: The database is unavailable: 28P01: password authentication failed for user \"{wrongPassword.Username}\"");
        (refused.Stdout + refused.Stderr).ShouldNotContain("wrong-password-5d1e");
        missing.ExitCode.ShouldBe(1, missing.Stderr);
        missing.Stderr.ShouldContain("error: The database is unavailable: 3D000: database \"no_such_database_5d1e\" does not exist");
        foreach (var result in new[] { refused, missing })
        {
            result.Stderr.ShouldNotContain("Unhandled exception");
            result.Stderr.ShouldNotContain("   at ");
        }
    }

    [Fact]
    public async Task Migrate_AsARoleThatMayNotCreateTables_ExitsOneWithOneLineNamingTheRefusal()
    {
        var role = $"kasparro_limited_{Guid.NewGuid():N}"[..30];
        var password = Guid.NewGuid().ToString("N");
        var empty = await _server.CreateEmptyDatabaseAsync();
        await using var admin = new NpgsqlConnection(_server.AdminConnectionString);
        await admin.OpenAsync();
        await using (var create = new NpgsqlCommand($"CREATE ROLE {role} LOGIN PASSWORD '{password}'", admin))
        {
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            var limited = new NpgsqlConnectionStringBuilder(Kasparro.Infrastructure.Persistence.DatabaseUrl.ToConnectionString(empty))
            {
                Username = role,
                Password = password,
            };

            var result = await CliProcess.RunAsync(limited.ConnectionString, null, "migrate");

            result.ExitCode.ShouldBe(1, result.Stderr);
            result.Stderr.ShouldContain("error: unexpected PostgresException: 42501: permission denied for schema public");
            result.Stderr.ShouldNotContain("   at ");
            (result.Stdout + result.Stderr).ShouldNotContain(password);
        }
        finally
        {
            await _server.DropDatabaseAsync(empty);
            await using var drop = new NpgsqlCommand($"DROP ROLE {role}", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
