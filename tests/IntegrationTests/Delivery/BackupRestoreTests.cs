using Kasparro.IntegrationTests.Fixtures;
using Kasparro.IntegrationTests.Ingestion;
using Npgsql;

namespace Kasparro.IntegrationTests.Delivery;

/// <summary>The backup procedure of docs/operations.md, run by its script on a database the real executable filled.</summary>
public sealed class BackupRestoreTests : IAsyncLifetime
{
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

    [Fact]
    public async Task BackupRestoreCheck_RestoresEveryTableIdentically_AndDropsItsScratchDatabase()
    {
        var file = _files.Write("prices.csv", TempCsvFolder.Header + "\n" + TempCsvFolder.Rows(5, 100));
        var ingest = await CliProcess.RunAsync(_connectionString, null, "ingest", "--source", "csv", "--csv", file);
        ingest.ExitCode.ShouldBe(0, ingest.Stderr);
        var database = new NpgsqlConnectionStringBuilder(_connectionString).Database!;

        var result = await RepositoryScript.RunAsync(
            new Dictionary<string, string> { ["DATABASE_URL"] = RepositoryScript.PostgresUrl(_connectionString) },
            TimeSpan.FromMinutes(5),
            "scripts/backup_restore_check.sh");

        result.ExitCode.ShouldBe(0, result.Output);
        result.Lines.ShouldContain("table quotes: 500 rows, identical");
        result.Lines.ShouldContain("table raw_csv: 500 rows, identical");
        result.Lines.ShouldContain("table etl_runs: 1 rows, identical");
        result.Lines[^1].ShouldStartWith("backup and restore check passed:");
        await using var admin = new NpgsqlConnection(_server.AdminConnectionString);
        await admin.OpenAsync();
        await using var scratch = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname LIKE @prefix", admin);
        scratch.Parameters.AddWithValue("prefix", database + "_restore_%");
        ((long)(await scratch.ExecuteScalarAsync())!).ShouldBe(0);
    }
}
