using Kasparro.Infrastructure.Persistence.Changes;
using Kasparro.IntegrationTests.Fixtures;
using Kasparro.IntegrationTests.Ingestion;
using Npgsql;

namespace Kasparro.IntegrationTests.Api.Caching;

/// <summary>
/// Two real processes on one database: a server answering reads from its cache, and an <c>ingest</c> process (the
/// scheduled job's) storing a batch. The batch's notice reaches the server when it commits, and the server's very next
/// read after hearing it shows the batch.
/// </summary>
public sealed class CrossProcessCacheTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly TempCsvFolder _csv = new();
    private readonly string _connectionString = database.ConnectionString;

    public void Dispose() => _csv.Dispose();

    [Fact]
    public async Task ABatchCommittedByAnotherProcess_IsInTheServersNextReadOnceItsNoticeArrives()
    {
        await IngestAsync("first.csv", "BTC,Bitcoin,2026-11-20,100,,");
        var port = PostgresServer.FreePort();
        using var server = CliProcess.Start(_connectionString, new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["SOURCES"] = "csv",
            ["ETL_ON_STARTUP"] = "false",
            ["ETL_INTERVAL"] = "0",
            ["API_RATE_LIMIT"] = "0",
        }, "serve");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await CacheProbe.UntilAsync(
            async () => await ListeningAsync(client) || server.HasExited, "the server listens for data changes", within: TimeSpan.FromMinutes(2));
        server.HasExited.ShouldBeFalse("the server exited while starting");

        (await PricesAsync(client)).ShouldBe([100m]);
        var hits = await client.MetricAsync("response_cache_hits_total");
        (await PricesAsync(client)).ShouldBe([100m]);
        (await client.MetricAsync("response_cache_hits_total")).ShouldBe(hits + 1, "the server answers from its cache");

        await IngestAsync("second.csv", "BTC,Bitcoin,2026-11-21,200,,");
        var stored = await StoredVersionAsync();
        await CacheProbe.UntilAsync(async () => await client.MetricAsync("data_version") >= stored, "the batch's notice reaches the server");

        (await PricesAsync(client)).ShouldBe([200m, 100m]);
        server.HasExited.ShouldBeFalse();
    }

    private async Task IngestAsync(string file, string row)
    {
        var path = _csv.Write(file, $"{TempCsvFolder.Header}\n{row}\n");
        var result = await CliProcess.RunAsync(_connectionString, new Dictionary<string, string> { ["SOURCES"] = "csv" }, "ingest", "--source", "csv", "--csv", path);
        result.ExitCode.ShouldBe(0, result.Stderr);
    }

    private static async Task<bool> ListeningAsync(HttpClient client)
    {
        try
        {
            return await client.MetricAsync("data_changes_listening") == 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false; // not serving yet, or too busy starting to answer within the client's timeout
        }
    }

    private static async Task<decimal[]> PricesAsync(HttpClient client) =>
        [.. (await client.GetJsonAsync("/v1/data?ticker=BTC")).GetProperty("data").EnumerateArray().Select(r => r.GetProperty("price_usd").GetDecimal())];

    private async Task<long> StoredVersionAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(DataVersionSql.ReadSql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
