using System.Security.Cryptography;
using System.Text;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;
using Kasparro.Infrastructure.Persistence;
using Kasparro.Infrastructure.Sources.Api;
using Kasparro.IntegrationTests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using static Kasparro.IntegrationTests.Persistence.TestData;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>The batch write path against a real database. Each test uses its own source asset ids and streams.</summary>
public sealed class IngestionBatchTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private readonly PostgresIngestionStore _store = new(db.Database, NullLogger<PostgresIngestionStore>.Instance);

    [Fact]
    public async Task Write_WhenBatchHoldsTheSameQuoteKeyTwice_LoadsOnceKeepingTheNewerVersion()
    {
        var run = await StartRunAsync();
        var asset = Asset("DUPE", "Dupe Coin");
        var older = Quote(asset, "dupe", price: 1m, sourceUpdatedAt: T0.AddHours(2));
        var newer = Quote(asset, "dupe", price: 2m, sourceUpdatedAt: T0.AddHours(3));

        var loaded = await WriteAsync(Write(run, assets: [asset], mappings: [Mapping(asset, "dupe")], quotes: [newer, older]));

        loaded.ShouldBe(1);
        (await db.ScalarAsync<decimal>("SELECT price_usd FROM quotes WHERE source_asset_id = 'dupe'")).ShouldBe(2m);
        (await db.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE source_asset_id = 'dupe'")).ShouldBe(1);
    }

    [Fact]
    public async Task Write_WhenReplayIsOlder_DoesNotOverwriteNewerData()
    {
        var run = await StartRunAsync();
        var asset = Asset("OLDR", "Older Coin");
        await WriteAsync(Write(run, assets: [asset], mappings: [Mapping(asset, "oldr")], quotes: [Quote(asset, "oldr", price: 50m, sourceUpdatedAt: T0.AddDays(2))]));

        var loaded = await WriteAsync(Write(run, quotes: [Quote(asset, "oldr", price: 40m, sourceUpdatedAt: T0.AddDays(1))]));

        loaded.ShouldBe(0);
        (await db.ScalarAsync<decimal>("SELECT price_usd FROM quotes WHERE source_asset_id = 'oldr'")).ShouldBe(50m);
    }

    [Fact]
    public async Task Write_WhenReplayIsNewerAndDifferent_UpdatesAndCountsIt()
    {
        var run = await StartRunAsync();
        var asset = Asset("NEWR", "Newer Coin");
        await WriteAsync(Write(run, assets: [asset], mappings: [Mapping(asset, "newr")], quotes: [Quote(asset, "newr", price: 50m, sourceUpdatedAt: T0)]));

        var loaded = await WriteAsync(Write(run, quotes: [Quote(asset, "newr", price: 51.5m, sourceUpdatedAt: T0.AddMinutes(1))]));

        loaded.ShouldBe(1);
        (await db.ScalarAsync<decimal>("SELECT price_usd FROM quotes WHERE source_asset_id = 'newr'")).ShouldBe(51.5m);
    }

    [Fact]
    public async Task Write_WhenReplayIsIdentical_LoadsNothing()
    {
        var run = await StartRunAsync();
        var asset = Asset("SAME", "Same Coin");
        var quotes = Enumerable.Range(0, 10).Select(i => Quote(asset, "same", price: 10m + i, observedAt: T0.AddDays(i))).ToList();
        var first = await WriteAsync(Write(run, assets: [asset], mappings: [Mapping(asset, "same")], quotes: quotes));

        var replay = await WriteAsync(Write(run, quotes: quotes));
        var laterButIdentical = await WriteAsync(Write(run, quotes: [.. quotes.Select(q => q with { SourceUpdatedAt = q.SourceUpdatedAt.AddDays(30) })]));

        first.ShouldBe(10);
        replay.ShouldBe(0);
        laterButIdentical.ShouldBe(0);
    }

    [Fact]
    public async Task Write_WhenRawContentRepeats_AddsNoRawRow()
    {
        var run = await StartRunAsync();
        var a = Raw("""{"symbol":"RAWA","price":"1"}""");
        var b = Raw("""{"symbol":"RAWB","price":"2"}""");

        await WriteAsync(Write(run, raw: [a, a, b]));
        await WriteAsync(Write(run, raw: [b, a]));

        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_csv WHERE payload->>'symbol' IN ('RAWA', 'RAWB')")).ShouldBe(2);
        (await db.ScalarAsync<string>("SELECT payload->>'price' FROM raw_csv WHERE payload->>'symbol' = 'RAWB'")).ShouldBe("2");
    }

    [Fact]
    public async Task Landing_StoresItsRawRows_AndLeavesItsConnectionCommittingDurably()
    {
        // One pooled connection, so the landing's and the later command's are the same session, committing durably by
        // default (the test cluster's own default is off).
        await using var single = new PostgresDatabase(db.ConnectionString + ";Maximum Pool Size=1;Options=-c synchronous_commit=on");
        var store = new PostgresIngestionStore(single, NullLogger<PostgresIngestionStore>.Instance);
        var run = await store.StartRunAsync();
        var pid = await DatabaseFixture.ScalarAsync<int>(single, "SELECT pg_backend_pid()");

        await using (var landing = await store.BeginLandingAsync(CancellationToken.None))
        {
            await landing.WriteAsync(Write(run, raw: [Raw("""{"symbol":"LAND","price":"3"}""")]), CancellationToken.None);
            await landing.CommitAsync(CancellationToken.None);
        }

        (await db.ScalarAsync<string>("SELECT payload->>'price' FROM raw_csv WHERE payload->>'symbol' = 'LAND'")).ShouldBe("3");
        (await DatabaseFixture.ScalarAsync<int>(single, "SELECT pg_backend_pid()")).ShouldBe(pid);
        (await DatabaseFixture.ScalarAsync<string>(single, "SHOW synchronous_commit")).ShouldBe("on", "the relaxed commit is the landing transaction's alone");
    }

    [Fact]
    public async Task Write_InAFreshTransaction_WhenSomeRowsAreStored_StartsAgainAndLoadsOnlyTheNewOnes()
    {
        var run = await StartRunAsync();
        var asset = Asset("FRSH", "Fresh Coin");
        await WriteAsync(Write(run, assets: [asset], mappings: [Mapping(asset, "frsh")]));
        var stored = Raw("""{"symbol":"FRSH","row":1}""");
        var storedQuote = Quote(asset, "frsh", price: 1m, observedAt: T0);
        (await WriteFreshAsync(Write(run, raw: [stored], quotes: [storedQuote]))).ShouldBe(1);

        // The copy meets the stored rows, so the transaction starts again and looks them up: only the new ones load.
        var newer = Quote(asset, "frsh", price: 2m, observedAt: T0.AddDays(1));
        var loaded = await WriteFreshAsync(Write(
            run, raw: [stored, Raw("""{"symbol":"FRSH","row":2}""")], quotes: [storedQuote, newer], checkpoints: [Checkpoint("fresh.csv", 0, 20)]));

        loaded.ShouldBe(1);
        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_csv WHERE payload->>'symbol' = 'FRSH'")).ShouldBe(2);
        (await db.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE source_asset_id = 'frsh'")).ShouldBe(2);
        (await db.ScalarAsync<long>("SELECT position FROM etl_checkpoints WHERE stream = 'fresh.csv'")).ShouldBe(20);
    }

    [Fact]
    public async Task Write_WhenTwoContentsShareAContentKey_KeepsEachOnceByItsFullHash()
    {
        var run = await StartRunAsync();
        var first = new RawRecord("keys.csv:2", null, new RawPayload("""{"symbol":"KEYA"}""", null, CollidingHash(1), T0));
        var second = new RawRecord("keys.csv:3", null, new RawPayload("""{"symbol":"KEYB"}""", null, CollidingHash(2), T0));

        await WriteFreshAsync(Write(run, raw: [first]));
        await WriteFreshAsync(Write(run, raw: [second]));
        await WriteFreshAsync(Write(run, raw: [second, first]));
        await WriteAsync(Write(run, raw: [first, second]));

        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_csv WHERE payload->>'symbol' IN ('KEYA', 'KEYB')")).ShouldBe(2);
        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_csv WHERE payload->>'symbol' = 'KEYB' AND content_key IS NULL")).ShouldBe(1);
    }

    [Fact]
    public async Task ContentKey_IsTheMigrationsBigintOfTheHashsFirstEightBytes()
    {
        foreach (var hash in new[] { SHA256.HashData("a"u8), SHA256.HashData("b"u8), CollidingHash(0), Enumerable.Repeat((byte)0xFF, 32).ToArray() })
        {
            var stored = await db.ScalarAsync<long>("SELECT ('x' || encode(substring($1 FROM 1 FOR 8), 'hex'))::bit(64)::bigint", hash);
            RawContentKey.Of(new RawPayload("{}", null, hash, T0)).ShouldBe(stored);
            (await db.ScalarAsync<long>("SELECT raw_content_key(NULL, $1)", hash)).ShouldBe(stored, "content that states no time keeps the hash key");
        }
    }

    [Fact]
    public async Task ContentKey_OfAnApiItem_IsWhatSqlComputesFromTheStoredPayload()
    {
        // What each last_updated reads as: a minute for the key, or nothing (the hash key). Stored through the batch, then
        // recomputed by the migration's raw_content_key from the jsonb, the way migration 0009 re-keyed stored rows.
        var cases = new (string LastUpdated, bool StatesTime)[]
        {
            ("\"2023-08-11T08:54:00Z\"", true),
            ("\"2023-08-11T08:54:59.123Z\"", true),
            ("\"2026-12-06T23:59:59.123456789Z\"", true),
            ("\"2000-01-01T00:00:00Z\"", true),
            ("\"2023\\u002d08-11T08:54:00Z\"", true), // an escape jsonb decodes as the reader does
            ("\"1999-12-31T23:59:59Z\"", false), // before the key's epoch
            ("\"2128-01-01T00:00:00Z\"", false), // after its 26 bits of minutes
            ("\"2023-02-30T00:00:00Z\"", false),
            ("\"2023-08-11T24:00:00Z\"", false),
            ("\"2023-08-11T08:54:60Z\"", false),
            ("\"2023-08-11T08:54:00+00:00\"", false),
            ("\"2023-08-11 08:54:00Z\"", false),
            ("\"2023-08-11T08:54:00z\"", false),
            ("\"2023-08-11T08:54:00Z\\n\"", false),
            ("\"٢٠٢٣-08-11T08:54:00Z\"", false),
            ("1691744040", false),
            ("null", false),
        };
        var run = await StartRunAsync(SourceNames.CoinPaprika);
        var raw = new List<RawRecord>();
        for (var i = 0; i < cases.Length; i++)
        {
            raw.Add(ApiItem($$"""{"id":"stated-{{i}}","last_updated":{{cases[i].LastUpdated}},"price":{{i}}}"""));
        }

        raw.Add(ApiItem("""{"id":"stated-dup-1","last_updated":"nonsense","last_updated":"2023-08-11T08:54:00Z"}"""));
        raw.Add(ApiItem("""{"id":"stated-dup-2","last_updated":"2023-08-11T08:54:00Z","last_updated":"nonsense"}"""));
        raw.Add(ApiItem("""{"id":"stated-none"}"""));

        await WriteAsync(Write(run, raw: raw));

        (await db.ScalarAsync<long>(
            "SELECT count(*) FROM raw_coinpaprika WHERE source_record_id LIKE 'stated-%' AND content_key IS NOT DISTINCT FROM raw_content_key(payload->>'last_updated', content_hash)"))
            .ShouldBe(raw.Count);
        // Time-keyed: a key other than the hash key (raw_content_key of content that states no time).
        var timeKeyed = await db.ScalarAsync<string[]>(
            "SELECT array_agg(source_record_id ORDER BY source_record_id) FROM raw_coinpaprika "
            + "WHERE source_record_id LIKE 'stated-%' AND content_key <> raw_content_key(NULL, content_hash)");
        for (var i = 0; i < cases.Length; i++)
        {
            timeKeyed!.Contains($"stated-{i}").ShouldBe(cases[i].StatesTime, $"last_updated {cases[i].LastUpdated}");
        }
    }

    private static RawRecord ApiItem(string json)
    {
        using var item = System.Text.Json.JsonDocument.Parse(json);
        var bytes = Encoding.UTF8.GetBytes(json);
        var id = item.RootElement.GetProperty("id").GetString();
        return new RawRecord("tickers[0]", id, new RawPayload(json, null, SHA256.HashData(bytes), T0, ApiListingReader.StatedAt(item.RootElement)));
    }

    [Fact]
    public async Task Write_WhenSourceIsAnApi_KeepsRawRowsInThatSourcesTable()
    {
        var run = await StartRunAsync(SourceNames.CoinGecko);

        await WriteAsync(Write(run, raw: [Raw("""{"id":"gecko-only","current_price":1}""", reference: "coins/markets?page=1", recordId: "gecko-only")]));

        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_coingecko WHERE source_record_id = 'gecko-only'")).ShouldBe(1);
        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_csv WHERE source_record_id = 'gecko-only'")).ShouldBe(0);
    }

    [Fact]
    public async Task Write_WhenPayloadHoldsWhatJsonbRefuses_StoresItAndKeepsTheVerbatimBytes()
    {
        var run = await StartRunAsync();
        var json = """{"name":"nul\u0000here","lone":"\ud800","kept":"caf\u00e9","slash":"\\u0000"}""";

        await WriteAsync(Write(run, raw: [Raw(json, reference: "nul.csv:2")]));

        (await db.ScalarAsync<string>("SELECT payload->>'name' FROM raw_csv WHERE source_reference = 'nul.csv:2'")).ShouldBe("nul\uFFFDhere");
        (await db.ScalarAsync<string>("SELECT payload->>'kept' FROM raw_csv WHERE source_reference = 'nul.csv:2'")).ShouldBe("café");
        (await db.ScalarAsync<string>("SELECT payload->>'slash' FROM raw_csv WHERE source_reference = 'nul.csv:2'")).ShouldBe("\\u0000");
        var bytes = await db.ScalarAsync<byte[]>("SELECT raw_bytes FROM raw_csv WHERE source_reference = 'nul.csv:2'");
        Encoding.UTF8.GetString(bytes!).ShouldBe(json);
    }

    [Fact]
    public async Task Write_WhenCheckpointIsOlder_KeepsTheNewerOne()
    {
        var run = await StartRunAsync();
        await WriteAsync(Write(run, checkpoints: [Checkpoint("cp.csv", generation: 1, position: 500, state: """{"at":500}""")]));

        await WriteAsync(Write(run, checkpoints: [Checkpoint("cp.csv", generation: 1, position: 100)]));
        await WriteAsync(Write(run, checkpoints: [Checkpoint("cp.csv", generation: 0, position: 9_000)]));

        var stored = (await _store.GetCheckpointsAsync(SourceNames.Csv, CancellationToken.None)).Single(c => c.Stream == "cp.csv");
        stored.Generation.ShouldBe(1);
        stored.Position.ShouldBe(500);
        stored.State.ShouldBe("""{"at": 500}""");

        await WriteAsync(Write(run, checkpoints: [Checkpoint("cp.csv", generation: 2, position: 0)]));
        (await _store.GetCheckpointsAsync(SourceNames.Csv, CancellationToken.None)).Single(c => c.Stream == "cp.csv").Generation.ShouldBe(2);
    }

    [Fact]
    public async Task Write_WhenTheSameRejectionRepeats_KeepsItOnceWithEveryReason()
    {
        var run = await StartRunAsync();
        var bad = Rejection("""{"symbol":"","price":"-1"}""", "symbol is empty", "price is negative");
        var binary = new Rejection("bin.csv:3", null, Payload(null, bytes: [0xC3, 0x28]), ["row is not valid UTF-8"]);

        await WriteAsync(Write(run, rejections: [bad, bad, binary]));
        var later = await StartRunAsync();
        await WriteAsync(Write(later, rejections: [bad]));

        (await db.ScalarAsync<long>("SELECT count(*) FROM rejected_records WHERE raw_content LIKE '%\"price\":\"-1\"%'")).ShouldBe(1);
        (await db.ScalarAsync<string[]>("SELECT reasons FROM rejected_records WHERE raw_content LIKE '%\"price\":\"-1\"%'"))
            .ShouldBe(["symbol is empty", "price is negative"]);
        (await db.ScalarAsync<Guid>("SELECT run_id FROM rejected_records WHERE raw_content LIKE '%\"price\":\"-1\"%'")).ShouldBe(run.Id);
        (await db.ScalarAsync<byte[]>("SELECT raw_bytes FROM rejected_records WHERE source_reference = 'bin.csv:3'")).ShouldBe([0xC3, 0x28]);
    }

    [Fact]
    public async Task Write_StoresAssetsMappingsAndDrift_AndAssetsOnlyGrowTheirMarketCap()
    {
        var run = await StartRunAsync();
        var asset = Asset("GROW", name: null, marketCap: 1_000m);
        await WriteAsync(Write(run, assets: [asset], mappings: [Mapping(asset, "grow", confidence: 0.93456m)],
            drift: [new SourceSchemaDrift("grow.csv", "price", "prise", 0.91m, "mapped", "price read from prise")]));

        var named = new Asset(asset.Id, asset.Ticker, "Grow Coin", 500m, T0);
        await WriteAsync(Write(run, assets: [named], mappings: [Mapping(named, "grow", method: MappingMethod.Crosswalk)]));

        (await db.ScalarAsync<string>("SELECT name FROM assets WHERE id = $1", asset.Id)).ShouldBe("Grow Coin");
        (await db.ScalarAsync<string>("SELECT normalized_name FROM assets WHERE id = $1", asset.Id)).ShouldBe("growcoin");
        (await db.ScalarAsync<decimal>("SELECT market_cap_usd FROM assets WHERE id = $1", asset.Id)).ShouldBe(1_000m);
        (await db.ScalarAsync<string>("SELECT method FROM asset_sources WHERE source_asset_id = 'grow'")).ShouldBe("new");
        (await db.ScalarAsync<decimal>("SELECT confidence FROM asset_sources WHERE source_asset_id = 'grow'")).ShouldBe(0.9346m);
        (await db.ScalarAsync<string>("SELECT observed_field FROM schema_drift_events WHERE run_id = $1", run.Id)).ShouldBe("prise");
    }

    [Fact]
    public async Task LoadIdentity_ReturnsMappingsCrosswalkSiblingsAndAssetsOfTheTickers()
    {
        var run = await StartRunAsync(SourceNames.CoinPaprika);
        var bitcoin = Asset("BTC", "Bitcoin", 1_000_000m);
        var otherUni = Asset("IDNT", "Identity Token");
        await WriteAsync(Write(run, assets: [bitcoin, otherUni], mappings: [Mapping(bitcoin, "btc-bitcoin", SourceNames.CoinPaprika, MappingMethod.New)]));

        IdentitySnapshot snapshot;
        await using (var batch = await _store.BeginBatchAsync(CancellationToken.None))
        {
            snapshot = await batch.LoadIdentityAsync([new SourceKey(SourceNames.CoinGecko, "bitcoin")], ["IDNT"], CancellationToken.None);
        }

        snapshot.Crosswalk.ShouldContain(new CrosswalkEntry("bitcoin", new SourceKey(SourceNames.CoinPaprika, "btc-bitcoin")));
        snapshot.Crosswalk.ShouldContain(new CrosswalkEntry("bitcoin", new SourceKey(SourceNames.CoinGecko, "bitcoin")));
        snapshot.Mappings.ShouldHaveSingleItem().Key.ShouldBe(new SourceKey(SourceNames.CoinPaprika, "btc-bitcoin"));
        snapshot.Assets.Select(a => a.Id).ShouldBe([bitcoin.Id, otherUni.Id], ignoreOrder: true);
        var restored = snapshot.Assets.Single(a => a.Id == bitcoin.Id);
        restored.Ticker.Value.ShouldBe("BTC");
        restored.MarketCapUsd.ShouldBe(1_000_000m);
        restored.NormalizedName.ShouldBe("bitcoin");

        var resolver = new IdentityResolver(snapshot.Assets, snapshot.Mappings, snapshot.Crosswalk);
        resolver.Resolve(new IdentityCandidate(new SourceKey(SourceNames.CoinGecko, "bitcoin"), Ticker.FromStored("BTC"), "Bitcoin", null), Guid.CreateVersion7, T0)
            .ShouldBe(new AssetResolution(bitcoin.Id, MappingMethod.Crosswalk, 1m));
    }

    [Fact]
    public async Task LoadIdentity_WhileAnotherSourcesBatchDecides_WaitsForItsCommitAndSeesItsAssets()
    {
        var geckoRun = await StartRunAsync(SourceNames.CoinGecko);
        var csvRun = await StartRunAsync(SourceNames.Csv);
        var waitAsset = Asset("WAIT", "Wait Coin");

        await using var first = await _store.BeginBatchAsync(CancellationToken.None);
        await first.LoadIdentityAsync([new SourceKey(SourceNames.CoinGecko, "wait-coin")], ["WAIT"], CancellationToken.None);

        await using var second = await _store.BeginBatchAsync(CancellationToken.None);
        var waiting = second.LoadIdentityAsync([new SourceKey(SourceNames.Csv, "WAIT")], ["WAIT"], CancellationToken.None);
        await WaitUntilAsync(() => AdvisoryWaitersAsync(), waiters => waiters == 1);
        waiting.IsCompleted.ShouldBeFalse("the second batch must wait for the identity lock");

        await first.WriteAsync(
            Write(geckoRun, assets: [waitAsset], mappings: [Mapping(waitAsset, "wait-coin", SourceNames.CoinGecko)]), CancellationToken.None);
        await first.CommitAsync(CancellationToken.None);
        var snapshot = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        snapshot.Assets.ShouldHaveSingleItem().Id.ShouldBe(waitAsset.Id);
        csvRun.Source.ShouldBe(SourceNames.Csv);
    }

    [Fact]
    public async Task Dispose_WithoutCommit_RollsBackEverything()
    {
        var run = await StartRunAsync();
        var asset = Asset("ROLL", "Rollback Coin");
        await using (var batch = await _store.BeginBatchAsync(CancellationToken.None))
        {
            await batch.LoadIdentityAsync([new SourceKey(SourceNames.Csv, "roll")], ["ROLL"], CancellationToken.None);
            await batch.WriteAsync(
                Write(run, raw: [Raw("""{"symbol":"ROLL"}""")], assets: [asset], mappings: [Mapping(asset, "roll")], quotes: [Quote(asset, "roll")],
                    checkpoints: [Checkpoint("roll.csv", 0, 10)]),
                CancellationToken.None);
            await batch.AddRunProgressAsync(run.Id, new RunCounts(1, 1, 0, 0), CancellationToken.None);
        }

        (await db.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE source_asset_id = 'roll'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM assets WHERE id = $1", asset.Id)).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_csv WHERE payload->>'symbol' = 'ROLL'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM etl_checkpoints WHERE stream = 'roll.csv'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT read_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(0);
    }

    [Fact]
    public async Task Write_WhenManyBatchesReuseOneConnection_KeepsWorkingOnceStatementsArePrepared()
    {
        // Auto-prepare starts after five uses; the staging tables are dropped at every commit and created again.
        var run = await StartRunAsync();
        var asset = Asset("PREP", "Prepared Coin");
        await WriteAsync(Write(run, assets: [asset], mappings: [Mapping(asset, "prep")]));

        for (var i = 0; i < 12; i++)
        {
            var loaded = await WriteAsync(Write(
                run,
                raw: [Raw($$"""{"symbol":"PREP","row":{{i}}}""")],
                quotes: [Quote(asset, "prep", price: 1m + i, observedAt: T0.AddDays(i))],
                rejections: [Rejection($$"""{"bad":{{i}}}""", "price is missing")],
                checkpoints: [Checkpoint("prep.csv", 0, 10 * (i + 1))]),
                progress: new RunCounts(3, 1, 1, 1));
            loaded.ShouldBe(1);
        }

        (await db.ScalarAsync<long>("SELECT count(*) FROM quotes WHERE source_asset_id = 'prep'")).ShouldBe(12);
        (await db.ScalarAsync<long>("SELECT read_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(36);
        (await db.ScalarAsync<long>("SELECT rejected_count FROM etl_runs WHERE id = $1", run.Id)).ShouldBe(12);
    }

    [Fact]
    public async Task Write_WhenAQuoteBelongsToAnotherSource_Throws()
    {
        var run = await StartRunAsync();
        var asset = Asset("MIXD", "Mixed");

        await using var batch = await _store.BeginBatchAsync(CancellationToken.None);
        await Should.ThrowAsync<ArgumentException>(() => batch.WriteAsync(
            Write(run, quotes: [Quote(asset, "mixd", source: SourceNames.CoinGecko)]), CancellationToken.None));
    }

    /// <summary>A hash whose first 8 bytes (the content key) are the same for every <paramref name="tail"/>.</summary>
    private static byte[] CollidingHash(byte tail)
    {
        var hash = new byte[32];
        "\u0001KEYPFX\u0002"u8.CopyTo(hash);
        hash[31] = tail;
        return hash;
    }

    /// <summary>Writes in a transaction that has done nothing before, as the runner's data transaction does.</summary>
    private Task<long> WriteFreshAsync(BatchWrite write) => _store.WriteFreshAsync(write);

    private Task<IngestionRun> StartRunAsync(string source = SourceNames.Csv) => _store.StartRunAsync(source);

    private async Task<long> WriteAsync(BatchWrite write, RunCounts? progress = null)
    {
        await using var batch = await _store.BeginBatchAsync(CancellationToken.None);
        var keys = write.Quotes.Select(q => q.Key).Concat(write.Mappings.Select(m => m.Key)).ToHashSet();
        await batch.LoadIdentityAsync(keys, write.Quotes.Select(q => q.Ticker.Value).ToHashSet(), CancellationToken.None);
        var loaded = await batch.WriteAsync(write, CancellationToken.None);
        if (progress is { } counts)
        {
            await batch.AddRunProgressAsync(write.RunId, counts, CancellationToken.None);
        }

        await batch.CommitAsync(CancellationToken.None);
        return loaded;
    }
    /// <summary>Sessions of this database waiting for an advisory lock: the server's own view, no timing guess.</summary>
    private async Task<long> AdvisoryWaitersAsync()
    {
        await using var command = db.Database.DataSource.CreateCommand(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync<T>(Func<Task<T>> read, Func<T, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition(await read()))
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
