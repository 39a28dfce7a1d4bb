using Kasparro.Infrastructure.Persistence.Changes;
using Npgsql;

namespace Kasparro.IntegrationTests.Api.Caching;

/// <summary>
/// While the change listener's connection is down, reads bypass the cache, so a change whose notice nobody heard is
/// seen at once; once the listener is back, what was remembered before is dropped before the cache is used again.
/// </summary>
public sealed class ListenerOutageTests(ListenerOutageTests.Seeded api) : IClassFixture<ListenerOutageTests.Seeded>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task WhileTheListenerIsDown_ReadsBypassTheCache_AndOnReconnectingItIsClearedBeforeUse()
    {
        var client = api.CreateClient();
        await api.UntilListeningAsync(client);
        (await NewestPriceAsync(client)).ShouldBe(1m);
        var hits = await client.MetricAsync("response_cache_hits_total");
        (await NewestPriceAsync(client)).ShouldBe(1m);
        (await client.MetricAsync("response_cache_hits_total")).ShouldBe(hits + 1);

        // The listener's connection dropped, as a failover or a network cut would drop it. The fake clock holds its retry.
        (await api.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity "
            + "WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()) t WHERE ended",
            DataChangeListener.ApplicationName)).ShouldBe(1);
        await CacheProbe.UntilAsync(async () => await client.MetricAsync("data_changes_listening") == 0, "the app knows its listener is down");

        // Another process stores a quote while nobody listens: its notice reaches no one.
        await StoreUnheardAsync(2m, T0.AddHours(1));
        var bypassed = await client.MetricAsync("response_cache_bypassed_total");

        (await NewestPriceAsync(client)).ShouldBe(2m);
        (await client.MetricAsync("response_cache_bypassed_total")).ShouldBe(bypassed + 1);

        await api.UntilListeningAsync(client);
        (await client.MetricAsync("data_changes_listens_total")).ShouldBe(2);
        var evicted = await client.MetricAsync("response_cache_evictions_total", ("reason", "reconnected"));
        (await NewestPriceAsync(client)).ShouldBe(2m);
        (await client.MetricAsync("response_cache_evictions_total", ("reason", "reconnected"))).ShouldBe(evicted + 1);
        hits = await client.MetricAsync("response_cache_hits_total");
        (await NewestPriceAsync(client)).ShouldBe(2m);
        (await client.MetricAsync("response_cache_hits_total")).ShouldBe(hits + 1, "the cache is in use again");
    }

    private static async Task<decimal> NewestPriceAsync(HttpClient client) =>
        (await client.GetJsonAsync("/v1/data?ticker=DOWN&limit=1")).GetProperty("data")[0].GetProperty("price_usd").GetDecimal();

    /// <summary>A quote and the version's bump in one transaction, as another process would store it (this app is not told).</summary>
    private async Task StoreUnheardAsync(decimal price, DateTimeOffset observedAt)
    {
        await using var batch = api.Data.CreateBatch();
        var insert = new NpgsqlBatchCommand(
            "INSERT INTO quotes (source, source_asset_id, observed_at, asset_id, ticker, name, price_usd, source_updated_at, ingested_at, run_id) "
            + "VALUES ('csv', 'down', $1, $2, 'DOWN', 'Down Coin', $3, $1, now(), '00000000-0000-0000-0000-000000000001')");
        insert.Parameters.Add(new NpgsqlParameter { Value = observedAt.UtcDateTime });
        insert.Parameters.Add(new NpgsqlParameter { Value = api.Down });
        insert.Parameters.Add(new NpgsqlParameter { Value = price });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(DataVersionSql.Bump());
        await batch.ExecuteNonQueryAsync();
    }

    public sealed class Seeded : ApiFactory
    {
        public Guid Down { get; private set; }

        protected override async Task SeedAsync()
        {
            Down = await this.AssetAsync("DOWN", "Down Coin");
            await this.MappingAsync(Down, "csv", "down");
            await this.QuoteAsync(Down, "DOWN", "csv", "down", T0, 1m);
        }
    }
}
