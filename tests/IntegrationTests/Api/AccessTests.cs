using System.Net;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Kasparro.IntegrationTests.Api;

/// <summary>API keys on reads, the admin token on <c>POST /v1/runs</c>, and a busy source.</summary>
public sealed class AccessTests(AccessTests.Secured api) : IClassFixture<AccessTests.Secured>
{
    private readonly HttpClient _client = api.CreateClient();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    [InlineData("read-key-one-but-longer")]
    public async Task Reads_WithoutAValidKey_Are401(string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/data");
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        using var response = await _client.SendAsync(request);

        var problem = await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        problem.GetProperty("detail").GetString()!.ShouldNotContain(Secured.KeyOne);
        response.Headers.WwwAuthenticate.ToString().ShouldContain("X-API-Key");
    }

    [Theory]
    [InlineData(Secured.KeyOne)]
    [InlineData(Secured.KeyTwo)]
    public async Task Reads_WithAnyConfiguredKey_AreServed(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/assets");
        request.Headers.Add("X-API-Key", key);

        using var response = await _client.SendAsync(request);

        await response.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Health_NeedsNoKey()
    {
        await _client.GetJsonAsync("/health/live");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-token")]
    public async Task TriggerRun_WithoutTheAdminToken_Is401(string? bearer)
    {
        using var response = await _client.SendAsync(ApiJson.Post("/v1/runs", "{}", bearer));

        var problem = await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        problem.ToString().ShouldNotContain(Secured.AdminToken);
        (await api.ScalarAsync<long>("SELECT count(*) FROM etl_runs")).ShouldBe(0);
    }

    [Theory]
    [InlineData("{\"source\":\"binance\"}", "source")]
    [InlineData("{\"source\":\"coingecko\"}", "source")]
    public async Task TriggerRun_OfAnUnknownOrDisabledSource_Is400(string body, string parameter)
    {
        using var response = await _client.SendAsync(ApiJson.Post("/v1/runs", body, Secured.AdminToken));

        (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).ErrorsFor(parameter).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task TriggerRun_WithMalformedJson_Is400()
    {
        using var response = await _client.SendAsync(ApiJson.Post("/v1/runs", "{\"source\": ", Secured.AdminToken));

        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task TriggerRun_Is202WithTheRun_ThenTheRunCompletes_AndABusySourceIs409()
    {
        // While the test holds the source's lock (as another server's run would), the request is a conflict naming that run.
        var runLock = api.Services.GetRequiredService<ISourceRunLock>();
        var runningId = Guid.CreateVersion7();
        await using (var held = await runLock.TryAcquireAsync("csv", CancellationToken.None))
        {
            held.ShouldNotBeNull();
            await api.ExecuteAsync(
                "INSERT INTO etl_runs (id, source, trigger, status, started_at) VALUES ($1, 'csv', 'schedule', 'running', now())", runningId);

            using var busy = await _client.SendAsync(ApiJson.Post("/v1/runs", "{\"source\":\"csv\"}", Secured.AdminToken));

            var conflict = await busy.ReadProblemAsync(HttpStatusCode.Conflict);
            var running = conflict.GetProperty("running").EnumerateArray().Single();
            running.GetProperty("source").GetString().ShouldBe("csv");
            running.GetProperty("run_id").GetGuid().ShouldBe(runningId);
        }

        await api.ExecuteAsync("DELETE FROM etl_runs WHERE id = $1", runningId);
        using var accepted = await _client.SendAsync(ApiJson.Post("/v1/runs", "{\"source\":\"csv\"}", Secured.AdminToken));

        var body = await accepted.ReadJsonAsync(HttpStatusCode.Accepted);
        var run = body.GetProperty("runs").EnumerateArray().Single();
        var runId = run.GetProperty("run_id").GetGuid();
        run.GetProperty("source").GetString().ShouldBe("csv");
        accepted.Headers.Location!.ToString().ShouldBe($"/v1/runs/{runId}");
        (await api.ScalarAsync<string>("SELECT trigger FROM etl_runs WHERE id = $1", runId)).ShouldBe("manual");

        // The run completes in the background and releases the lock: taking the lock waits for exactly that.
        await using (await WaitForLockAsync())
        {
            (await api.ScalarAsync<string>("SELECT status || coalesce(': ' || error_message, '') FROM etl_runs WHERE id = $1", runId)).ShouldBe("succeeded");
            (await api.ScalarAsync<long>("SELECT loaded_count FROM etl_runs WHERE id = $1", runId)).ShouldBe(1);
            (await api.ScalarAsync<decimal>("SELECT price_usd FROM quotes WHERE ticker = 'BTC'")).ShouldBe(87000.5m);
        }
    }

    /// <summary>Waits, on the server, until the background run releases the source's lock, then holds it.</summary>
    private async Task<IAsyncDisposable> WaitForLockAsync()
    {
        var connection = await api.Data.OpenConnectionAsync();
        await using (var timeout = new NpgsqlCommand("SET lock_timeout = '30s'", connection))
        {
            await timeout.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = AdvisoryLockKeys.SourceRunNamespace });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = AdvisoryLockKeys.SourceKey("csv") });
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>Two read keys and an admin token, only CSV enabled (the factory's one-row CSV folder).</summary>
    public sealed class Secured : ApiFactory
    {
        public const string KeyOne = "read-key-one";
        public const string KeyTwo = "read-key-two";
        public const string AdminToken = "test-admin-token-1234";

        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["API_KEYS"] = $"{KeyOne}, {KeyTwo}",
            ["ADMIN_TOKEN"] = AdminToken,
        };
    }
}

/// <summary>With no ADMIN_TOKEN the command endpoint is off, and with no API_KEYS reads are open.</summary>
public sealed class OpenAccessTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task TriggerRun_WithoutAnAdminTokenConfigured_Is403_WhateverIsSent()
    {
        using var response = await _client.SendAsync(ApiJson.Post("/v1/runs", "{}", "anything"));

        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
        (await api.ScalarAsync<long>("SELECT count(*) FROM etl_runs")).ShouldBe(0);
    }

    [Fact]
    public async Task Reads_AreOpen()
    {
        await _client.GetJsonAsync("/v1/assets");
    }
}
