using System.Security.Cryptography;
using System.Text;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Kasparro.Domain.Markets;
using Kasparro.Infrastructure.Persistence;
using Kasparro.Infrastructure.Persistence.Ingestion;
using Kasparro.Infrastructure.Sources.Api;
using Kasparro.IntegrationTests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static Kasparro.IntegrationTests.Persistence.TestData;

namespace Kasparro.IntegrationTests.Persistence;

/// <summary>Raw records into their source's raw table, once per content, against a real database.</summary>
public sealed class RawLandingTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private readonly PostgresIngestionStore _store = new(db.Database);

    [Fact]
    public async Task Land_WhenRawContentRepeats_AddsNoRawRow()
    {
        var run = await StartRunAsync();
        var a = Raw("""{"symbol":"RAWA","price":"1"}""");
        var b = Raw("""{"symbol":"RAWB","price":"2"}""");

        await LandAsync(run, [a, a, b]);
        await LandAsync(run, [b, a]);

        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_csv WHERE payload->>'symbol' IN ('RAWA', 'RAWB')")).ShouldBe(2);
        (await db.ScalarAsync<string>("SELECT payload->>'price' FROM raw_csv WHERE payload->>'symbol' = 'RAWB'")).ShouldBe("2");
    }

    [Fact]
    public async Task Land_InATransactionThatWroteBefore_LooksUpFirstAndAddsOnlyNewContent()
    {
        var run = await StartRunAsync();
        var stored = Raw("""{"symbol":"USED","row":1}""");
        await LandAsync(run, [stored]);

        var landed = await LandAfterOtherWorkAsync(run, [stored, Raw("""{"symbol":"USED","row":2}""")]);

        landed.ShouldBe(1);
        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_csv WHERE payload->>'symbol' = 'USED'")).ShouldBe(2);
    }

    [Fact]
    public async Task Land_StoresItsRawRows_AndLeavesItsConnectionCommittingDurably()
    {
        // One pooled connection, so the landing's and the later command's are the same session, committing durably by
        // default (the test cluster's own default is off).
        await using var single = new PostgresDatabase(db.ConnectionString + ";Maximum Pool Size=1;Options=-c synchronous_commit=on");
        var run = await new PostgresIngestionStore(single).StartRunAsync();
        var pid = await DatabaseFixture.ScalarAsync<int>(single, "SELECT pg_backend_pid()");

        await single.Steps(run).LandAsync([Raw("""{"symbol":"LAND","price":"3"}""")], CancellationToken.None);

        (await db.ScalarAsync<string>("SELECT payload->>'price' FROM raw_csv WHERE payload->>'symbol' = 'LAND'")).ShouldBe("3");
        (await DatabaseFixture.ScalarAsync<int>(single, "SELECT pg_backend_pid()")).ShouldBe(pid);
        (await DatabaseFixture.ScalarAsync<string>(single, "SHOW synchronous_commit")).ShouldBe("on", "the relaxed commit is the landing transaction's alone");
    }

    [Fact]
    public async Task Land_WhenTwoContentsShareAContentKey_KeepsEachOnceByItsFullHash()
    {
        var run = await StartRunAsync();
        var first = new RawRecord("keys.csv:2", null, new RawPayload("""{"symbol":"KEYA"}""", null, CollidingHash(1), T0));
        var second = new RawRecord("keys.csv:3", null, new RawPayload("""{"symbol":"KEYB"}""", null, CollidingHash(2), T0));

        await LandAsync(run, [first]);
        await LandAsync(run, [second]);
        await LandAsync(run, [second, first]);
        (await LandAfterOtherWorkAsync(run, [first, second])).ShouldBe(0);

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
        // What each last_updated reads as: a minute for the key, or nothing (the hash key). Landed, then recomputed by the
        // migration's raw_content_key from the jsonb, the way migration 0009 re-keyed stored rows.
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

        await LandAsync(run, raw);

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

    [Fact]
    public async Task Land_WhenSourceIsAnApi_KeepsRawRowsInThatSourcesTable()
    {
        var run = await StartRunAsync(SourceNames.CoinGecko);

        await LandAsync(run, [Raw("""{"id":"gecko-only","current_price":1}""", reference: "coins/markets?page=1", recordId: "gecko-only")]);

        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_coingecko WHERE source_record_id = 'gecko-only'")).ShouldBe(1);
        (await db.ScalarAsync<long>("SELECT count(*) FROM raw_csv WHERE source_record_id = 'gecko-only'")).ShouldBe(0);
    }

    [Fact]
    public void Open_WhenTheSourceHasNoRawTable_IsRefused()
    {
        var batches = new PostgresBatchStore(db.Database, TimeProvider.System, NullLogger<PostgresBatchStore>.Instance);

        Should.Throw<ArgumentException>(() => batches.Open("nowhere", Guid.CreateVersion7(), _ => { })).Message.ShouldContain("'nowhere' is not a known source");
    }

    [Fact]
    public async Task Land_WhenPayloadHoldsWhatJsonbRefuses_StoresItAndKeepsTheVerbatimBytes()
    {
        var run = await StartRunAsync();
        var json = """{"name":"nul\u0000here","lone":"\ud800","kept":"caf\u00e9","slash":"\\u0000"}""";

        await LandAsync(run, [Raw(json, reference: "nul.csv:2")]);

        (await db.ScalarAsync<string>("SELECT payload->>'name' FROM raw_csv WHERE source_reference = 'nul.csv:2'")).ShouldBe("nul\uFFFDhere");
        (await db.ScalarAsync<string>("SELECT payload->>'kept' FROM raw_csv WHERE source_reference = 'nul.csv:2'")).ShouldBe("café");
        (await db.ScalarAsync<string>("SELECT payload->>'slash' FROM raw_csv WHERE source_reference = 'nul.csv:2'")).ShouldBe("\\u0000");
        var bytes = await db.ScalarAsync<byte[]>("SELECT raw_bytes FROM raw_csv WHERE source_reference = 'nul.csv:2'");
        Encoding.UTF8.GetString(bytes!).ShouldBe(json);
    }

    private static RawRecord ApiItem(string json)
    {
        using var item = System.Text.Json.JsonDocument.Parse(json);
        var bytes = Encoding.UTF8.GetBytes(json);
        var id = item.RootElement.GetProperty("id").GetString();
        return new RawRecord("tickers[0]", id, new RawPayload(json, null, SHA256.HashData(bytes), T0, ApiListingReader.StatedAt(item.RootElement)));
    }

    /// <summary>A hash whose first 8 bytes (the content key) are the same for every <paramref name="tail"/>.</summary>
    private static byte[] CollidingHash(byte tail)
    {
        var hash = new byte[32];
        "\u0001KEYPFX\u0002"u8.CopyTo(hash);
        hash[31] = tail;
        return hash;
    }

    /// <summary>Lands <paramref name="raw"/> as a run's pipeline does: in a landing transaction of its own.</summary>
    private Task LandAsync(IngestionRun run, IReadOnlyList<RawRecord> raw) => db.Database.Steps(run).LandAsync(raw, CancellationToken.None);

    /// <summary>
    /// Lands <paramref name="raw"/> in a transaction that has sent a statement before, where a failed copy could not
    /// start over: the landing looks up what is stored first. Returns how many contents it added.
    /// </summary>
    private async Task<int> LandAfterOtherWorkAsync(IngestionRun run, IReadOnlyList<RawRecord> raw)
    {
        await using var transaction = await WriteTransaction.BeginAsync(db.Database.DataSource, durable: true, NullLogger.Instance, CancellationToken.None);
        await using (var earlier = transaction.CreateBatch())
        {
            earlier.BatchCommands.Add(new NpgsqlBatchCommand("SELECT 1"));
            await earlier.ExecuteNonQueryAsync();
        }

        transaction.IsFresh.ShouldBeFalse();
        var landed = await RawLanding.LandAsync(transaction, run.Source, run.Id, raw, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return landed;
    }

    private Task<IngestionRun> StartRunAsync(string source = SourceNames.Csv) => _store.StartRunAsync(source);
}
