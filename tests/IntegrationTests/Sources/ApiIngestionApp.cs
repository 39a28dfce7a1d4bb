using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Kasparro.Application;
using Kasparro.Application.Ingestion;
using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.Domain.Ingestion;
using Kasparro.Infrastructure;
using Kasparro.Infrastructure.Persistence;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kasparro.IntegrationTests.Sources;

/// <summary>
/// The application as the hosts compose it, in process, against a test database, with both API sources pointed at a
/// <see cref="StubApi"/>: a generous rate limit, short attempt timeouts and tiny backoff so that retries stay fast.
/// Every log line (Trace and up, HttpClient's own included) is captured.
/// </summary>
internal sealed class ApiIngestionApp : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly LogCapture _logs = new();

    public ApiIngestionApp(string connectionString, StubApi stub, IReadOnlyDictionary<string, string?>? settings = null, int batchSize = 100, string? csvPath = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = connectionString,
            ["CSV_PATH"] = csvPath ?? AppContext.BaseDirectory,
            ["COINPAPRIKA_BASE_URL"] = stub.CoinPaprikaBase.ToString(),
            ["COINGECKO_BASE_URL"] = stub.CoinGeckoBase.ToString(),
            ["COINPAPRIKA_RATE_LIMIT"] = "1000/s",
            ["COINGECKO_RATE_LIMIT"] = "1000/s",
            ["COINGECKO_PAGE_SIZE"] = "100",
        };
        foreach (var prefix in (string[])["COINPAPRIKA", "COINGECKO"])
        {
            values[$"{prefix}_ATTEMPT_TIMEOUT"] = "2s";
            values[$"{prefix}_TOTAL_TIMEOUT"] = "20s";
            values[$"{prefix}_RETRY_BASE_DELAY"] = "10ms";
            values[$"{prefix}_MAX_RETRIES"] = "2";
            values[$"{prefix}_BREAKER_FAILURES"] = "100";
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
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    /// <summary>Every captured log line: category, level, message, exception and scope values.</summary>
    public IReadOnlyList<string> LogLines => [.. _logs.Lines];

    public async Task<SourceRunResult> IngestAsync(string source)
    {
        await using var scope = _provider.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RunIngestionCommand([source], RunTrigger.Cli, null, null), CancellationToken.None);
        return result.Runs.Single();
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var database = new PostgresDatabase(ConnectionString);
        await using var command = database.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async Task<string?> TextAsync(string sql)
    {
        await using var database = new PostgresDatabase(ConnectionString);
        await using var command = database.DataSource.CreateCommand(sql);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    public async Task<IReadOnlyList<string>> TextsAsync(string sql)
    {
        await using var database = new PostgresDatabase(ConnectionString);
        await using var command = database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.IsDBNull(0) ? "<null>" : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return rows;
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    private sealed class LogCapture : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            private readonly AsyncLocal<List<object?>> _scopes = new();

            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                _scopes.Value ??= [];
                _scopes.Value.Add(state);
                return new Scope(_scopes.Value);
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var line = new StringBuilder().Append(category).Append(' ').Append(logLevel).Append(' ').Append(formatter(state, exception));
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        line.Append(' ').Append(key).Append('=').Append(value);
                    }
                }

                foreach (var scope in _scopes.Value ?? [])
                {
                    line.Append(" scope=").Append(scope is IEnumerable<KeyValuePair<string, object>> pairs ? string.Join(',', pairs) : scope);
                }

                if (exception is not null)
                {
                    line.Append(' ').Append(exception);
                }

                lines.Enqueue(line.ToString());
            }

            private sealed class Scope(List<object?> scopes) : IDisposable
            {
                public void Dispose()
                {
                    if (scopes.Count > 0)
                    {
                        scopes.RemoveAt(scopes.Count - 1);
                    }
                }
            }
        }
    }
}

/// <summary>The recorded payloads copied under <c>Sources/Fixtures</c>, and edits of them for drift tests.</summary>
internal static class ApiFixtures
{
    public const string PaprikaTickers = "coinpaprika/tickers_usd_2500_2023-08-11.json";
    public const string GeckoMarkets100 = "coingecko/markets_usd_p1_100_2026-04-30.json";
    public const string GeckoMarkets20 = "coingecko/markets_usd_20_2026-07.json";
    public const string GeckoError403 = "coingecko/error_403_2023-03-30.json";
    public const string GeckoError429 = "coingecko/error_429_2022-09-29.json";

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Sources", "Fixtures", name));

    public static string Text(string name) => Encoding.UTF8.GetString(Bytes(name));

    /// <summary>The items of a fixture array, parsed.</summary>
    public static IReadOnlyList<JsonElement> Items(string name)
    {
        using var json = JsonDocument.Parse(Bytes(name));
        return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>Where the item after the first <paramref name="items"/> items starts (the comma after the last of them).</summary>
    public static int OffsetAfterItems(byte[] json, int items)
    {
        var reader = new Utf8JsonReader(json);
        var count = 0;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType is JsonTokenType.EndObject && ++count == items)
            {
                return (int)reader.BytesConsumed;
            }
        }

        throw new InvalidOperationException($"the fixture has fewer than {items} items");
    }

    /// <summary>How many complete items a body cut after <paramref name="length"/> bytes holds.</summary>
    public static int CompleteItemsBefore(byte[] json, int length)
    {
        var reader = new Utf8JsonReader(json.AsSpan(0, length), isFinalBlock: false, default);
        var count = 0;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType is JsonTokenType.EndObject)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Unix milliseconds of the newest <c>last_updated</c> among items.</summary>
    public static long NewestLastUpdatedMs(IEnumerable<JsonElement> items) =>
        items.Max(i => DateTimeOffset.Parse(i.GetProperty("last_updated").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
}
