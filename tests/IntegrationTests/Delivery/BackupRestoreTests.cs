using Kasparro.IntegrationTests.Fixtures;
using Kasparro.IntegrationTests.Ingestion;
using Npgsql;

namespace Kasparro.IntegrationTests.Delivery;

/// <summary>The backup procedure of docs/operations.md, run by its script on a database the real executable filled.</summary>
public sealed class BackupRestoreTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly TempCsvFolder _files = new();

    [Fact]
    public async Task BackupRestoreCheck_RestoresEveryTableIdentically_AndDropsItsScratchDatabase()
    {
        var file = _files.Write("prices.csv", TempCsvFolder.Header + "\n" + TempCsvFolder.Rows(5, 100));
        var ingest = await CliProcess.RunAsync(database.ConnectionString, null, "ingest", "--source", "csv", "--csv", file);
        ingest.ExitCode.ShouldBe(0, ingest.Stderr);

        var result = await RepositoryScript.RunAsync(
            new Dictionary<string, string> { ["DATABASE_URL"] = RepositoryScript.PostgresUrl(database.ConnectionString) },
            TimeSpan.FromMinutes(5),
            "scripts/backup_restore_check.sh");

        result.ExitCode.ShouldBe(0, result.Output);
        result.Lines.ShouldContain("table quotes: 500 rows, identical");
        result.Lines.ShouldContain("table raw_csv: 500 rows, identical");
        result.Lines.ShouldContain("table etl_runs: 1 rows, identical");
        result.Lines[^1].ShouldStartWith("backup and restore check passed:");
        var scratch = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database + "_restore_%";
        (await database.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname LIKE $1", scratch)).ShouldBe(0);
    }

    public void Dispose() => _files.Dispose();
}
