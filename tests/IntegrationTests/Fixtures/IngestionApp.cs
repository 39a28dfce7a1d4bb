using System.Globalization;
using Kasparro.Application;
using Kasparro.Application.Ingestion;
using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.Domain.Ingestion;
using Kasparro.Infrastructure;
using Kasparro.Infrastructure.Persistence;
using Kasparro.IntegrationTests.Sources;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kasparro.IntegrationTests.Fixtures;

/// <summary>
/// The application as the hosts compose it, in process, against a test database, for ingestion tests: the CSV source
/// reads <c>csvPath</c>; with a <see cref="StubApi"/> both API sources point at it, with a generous rate limit, short
/// attempt timeouts and tiny backoff so that retries stay fast. <c>settings</c> override any configuration key. Every
/// log line (Trace and up, HttpClient's own included) is captured.
/// </summary>
internal sealed class IngestionApp : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly PostgresDatabase _database;
    private readonly LogCapture _logs = new();

    public IngestionApp(
        string connectionString, string? csvPath = null, StubApi? stub = null, IReadOnlyDictionary<string, string?>? settings = null, int batchSize = 1_000)
    {
        var values = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = connectionString,
            ["CSV_PATH"] = csvPath ?? AppContext.BaseDirectory,
        };
        if (stub is not null)
        {
            PointApiSourcesAt(stub, values);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
        services.AddApplication(new IngestionSettings { BatchSize = batchSize });
        services.AddInfrastructure(configuration);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        _database = new PostgresDatabase(connectionString);
    }

    /// <summary>Every captured log line: category, level, message, exception and scope values.</summary>
    public IReadOnlyList<string> LogLines => [.. _logs.Lines];

    public async Task<TResponse> SendAsync<TResponse>(IRequest<TResponse> request)
    {
        await using var scope = _provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, CancellationToken.None);
    }

    /// <summary>One run of <paramref name="source"/>, as the CLI starts it.</summary>
    public async Task<SourceRunResult> IngestAsync(string source, string? csvPath = null, long? failAfter = null) =>
        (await SendAsync(new RunIngestionCommand([source], RunTrigger.Cli, csvPath, failAfter))).Runs.Single();

    public async Task<long> CountAsync(string sql)
    {
        await using var command = _database.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async Task<string?> TextAsync(string sql)
    {
        await using var command = _database.DataSource.CreateCommand(sql);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    /// <summary>The first column of every row, as text (<c>&lt;null&gt;</c> for a null).</summary>
    public async Task<IReadOnlyList<string>> TextsAsync(string sql)
    {
        await using var command = _database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.IsDBNull(0) ? "<null>" : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static void PointApiSourcesAt(StubApi stub, Dictionary<string, string?> values)
    {
        values["COINPAPRIKA_BASE_URL"] = stub.CoinPaprikaBase.ToString();
        values["COINGECKO_BASE_URL"] = stub.CoinGeckoBase.ToString();
        values["COINPAPRIKA_RATE_LIMIT"] = "1000/s";
        values["COINGECKO_RATE_LIMIT"] = "1000/s";
        values["COINGECKO_PAGE_SIZE"] = "100";
        foreach (var prefix in (string[])["COINPAPRIKA", "COINGECKO"])
        {
            values[$"{prefix}_ATTEMPT_TIMEOUT"] = "2s";
            values[$"{prefix}_TOTAL_TIMEOUT"] = "20s";
            values[$"{prefix}_RETRY_BASE_DELAY"] = "10ms";
            values[$"{prefix}_MAX_RETRIES"] = "2";
            values[$"{prefix}_BREAKER_FAILURES"] = "100";
        }
    }
}
