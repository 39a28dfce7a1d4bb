using Kasparro.Application.Identity.SplitAsset;
using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.IntegrationTests.Sources;

namespace Kasparro.IntegrationTests.Ingestion;

/// <summary>
/// A correction made by one process and an ingest in another: the ingesting process's identity cache must not route
/// quotes through a mapping the correction moved.
/// </summary>
public sealed class IdentityCorrectionIngestionTests : ApiSourceTestBase, IDisposable
{
    private const string Header = "id,symbol,name,date,price";
    private readonly TempCsvFolder _csv = new();

    public void Dispose() => _csv.Dispose();

    [Fact]
    public async Task Ingest_AfterASplitInAnotherProcess_SendsTheMovedKeysQuotesToTheNewAsset()
    {
        _csv.Write("a.csv", $"{Header}\nfoo-a,FOO,Foocoin,2026-01-01T00:00:00Z,1\nfoo-b,FOO,Foocoin,2026-01-01T00:00:00Z,1.1\n");
        var ingesting = App(csvPath: _csv.Path);
        (await ingesting.IngestAsync("csv")).Status.ShouldBe(SourceRunStatus.Succeeded);
        var asset = Guid.Parse((await ingesting.TextAsync("SELECT asset_id::text FROM asset_sources WHERE source_asset_id = 'foo-a'"))!);
        (await ingesting.CountAsync($"SELECT count(*) FROM asset_sources WHERE asset_id = '{asset}'")).ShouldBe(2, "CSV ids of one coin share an asset");

        var operating = App(csvPath: _csv.Path);
        var split = await operating.SendAsync(SplitAssetCommand.Parse(asset.ToString(), [("csv", "foo-b")], "foo-b is another coin", "admin:0123456789ab"));
        _csv.Write("b.csv", $"{Header}\nfoo-a,FOO,Foocoin,2026-01-02T00:00:00Z,1.2\nfoo-b,FOO,Foocoin,2026-01-02T00:00:00Z,1.3\n");
        (await ingesting.IngestAsync("csv")).Status.ShouldBe(SourceRunStatus.Succeeded);

        (await ingesting.TextsAsync("SELECT source_asset_id || ' ' || asset_id FROM quotes WHERE observed_at = '2026-01-02T00:00:00Z' ORDER BY source_asset_id"))
            .ShouldBe([$"foo-a {asset}", $"foo-b {split.OtherAssetId}"]);
        (await ingesting.CountAsync($"SELECT count(*) FROM quotes WHERE asset_id = '{split.OtherAssetId}'")).ShouldBe(2, "the split moved the older quote too");
    }
}
