using System.Text.RegularExpressions;
using Kasparro.IntegrationTests.Fixtures;
using Kasparro.IntegrationTests.Ingestion;
using Npgsql;

namespace Kasparro.IntegrationTests.Delivery;

/// <summary>
/// scripts/smoke.sh against a native stack on free ports: the real executable serving a database of its own, with API
/// keys, an admin token and a read budget; and the script's --local mode, which runs the server itself and kills a run
/// half-way. Every check must run (no skip) and pass; the database then confirms what the script reported.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed partial class SmokeScriptTests : IAsyncLifetime
{
    private static readonly string[] Checks =
        ["health", "liveness", "access", "runs", "data", "assets", "rate limit", "secrets"];

    private PostgresServer _server = null!;
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        _connectionString = await _server.CreateDatabaseAsync();
    }

    public Task DisposeAsync() => _server.DropDatabaseAsync(_connectionString);

    /// <summary>With API keys (two: the burst spends the last one's budget), and without any, as `make up` starts it.</summary>
    [Theory]
    [InlineData(true, "access: 401 without a key, 200 with one")]
    [InlineData(false, "access: reads answer without a key")]
    public async Task Smoke_AgainstARunningServer_PassesEveryCheck(bool withKeys, string access)
    {
        var port = PostgresServer.FreePort();
        var keys = withKeys ? $"{Guid.NewGuid():N},{Guid.NewGuid():N}" : string.Empty;
        var token = Guid.NewGuid().ToString("N");
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["SOURCES"] = "csv",
            ["CSV_PATH"] = Path.Combine(Repository.Root, "data"),
            ["ETL_ON_STARTUP"] = "false",
            ["ETL_INTERVAL"] = "0",
            ["API_KEYS"] = keys,
            ["ADMIN_TOKEN"] = token,
            ["API_RATE_LIMIT"] = "60/min",
        };
        using var server = CliProcess.Start(_connectionString, settings, "serve");
        await WaitUntilLiveAsync(port, server);

        var result = await RepositoryScript.RunAsync(
            new Dictionary<string, string> { ["SMOKE_API_KEYS"] = keys, ["SMOKE_ADMIN_TOKEN"] = token, ["SMOKE_RATE_LIMIT"] = "60/min" },
            TimeSpan.FromMinutes(5),
            "scripts/smoke.sh",
            $"http://127.0.0.1:{port}");

        result.ExitCode.ShouldBe(0, result.Output);
        var checks = CheckLines(result);
        checks.Select(c => c.Name).Distinct().ShouldBe(Checks, ignoreOrder: true);
        checks.ShouldAllBe(c => c.Outcome == "ok");
        checks.Count(c => c.Name == "runs").ShouldBe(2, "the trigger with its 409, then the run's final status");
        checks.Count(c => c.Name == "access").ShouldBe(1);
        result.Stdout.ShouldContain(access);
        result.Lines[^1].ShouldBe($"smoke test passed: {checks.Count} checks against http://127.0.0.1:{port}");
        (await ScalarAsync<long>("SELECT count(*) FROM etl_runs WHERE trigger = 'manual' AND status = 'succeeded'")).ShouldBe(1);
    }

    [Fact]
    public async Task SmokeLocal_KillsARunHalfWay_AndTheRestartedServerResumesExactly()
    {
        var result = await RepositoryScript.RunAsync(
            new Dictionary<string, string> { ["DATABASE_URL"] = _connectionString, ["KASPARRO_APP"] = RepositoryScript.HostDll },
            TimeSpan.FromMinutes(8),
            "scripts/smoke.sh",
            "--local");

        result.ExitCode.ShouldBe(0, result.Output);
        var checks = CheckLines(result);
        checks.Select(c => c.Name).Distinct().ShouldBe([.. Checks, "recovery"], ignoreOrder: true);
        checks.ShouldAllBe(c => c.Outcome == "ok");
        var recovery = Recovery().Match(result.Stdout);
        recovery.Success.ShouldBeTrue(result.Stdout);
        var committed = long.Parse(recovery.Groups["committed"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var rest = long.Parse(recovery.Groups["rest"].Value, System.Globalization.CultureInfo.InvariantCulture);
        committed.ShouldBeGreaterThan(0);
        rest.ShouldBeGreaterThan(0);
        (committed + rest).ShouldBe(9_000);
        (await ScalarAsync<string>("SELECT string_agg(status, ',' ORDER BY started_at) FROM etl_runs")).ShouldBe("failed,succeeded");
        (await ScalarAsync<string>("SELECT error_message FROM etl_runs ORDER BY started_at LIMIT 1")).ShouldStartWith("abandoned");
        (await ScalarAsync<long>("SELECT count(*) FROM quotes")).ShouldBe(9_000);
        (await ScalarAsync<long>("SELECT count(*) FROM (SELECT DISTINCT source, source_asset_id, observed_at FROM quotes) k")).ShouldBe(9_000);
        (await ScalarAsync<long>("SELECT count(*) FROM raw_csv")).ShouldBe(9_000);
    }

    /// <summary>"ok    name: ..." lines: the outcome and the check's name.</summary>
    private static List<(string Outcome, string Name)> CheckLines(ScriptResult result) =>
        [.. result.Lines.Select(l => CheckLine().Match(l)).Where(m => m.Success).Select(m => (m.Groups["outcome"].Value, m.Groups["name"].Value))];

    private static async Task WaitUntilLiveAsync(int port, CliProcess server)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            server.HasExited.ShouldBeFalse("the server exited while starting");
            try
            {
                using var live = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health/live"), deadline.Token);
                if (live.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
                // Listening, but too busy starting to answer within this attempt's 2 s: ask again.
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex(@"^(?<outcome>ok|skip|FAIL)\s+(?<name>[a-z ]+):")]
    private static partial Regex CheckLine();

    [GeneratedRegex(@"killed after (?<committed>\d+) of 9000 rows; after a restart the next run read the other (?<rest>\d+);")]
    private static partial Regex Recovery();
}
