using Kasparro.IntegrationTests.Fixtures;

namespace Kasparro.IntegrationTests.Sources;

/// <summary>A fresh database and a fresh stub API per test; apps built per test with the settings it needs.</summary>
public abstract class ApiSourceTestBase : IAsyncLifetime
{
    private readonly List<IngestionApp> _apps = [];
    private PostgresServer _server = null!;

    internal StubApi Stub { get; private set; } = null!;

    internal string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        ConnectionString = await _server.CreateDatabaseAsync();
        Stub = await StubApi.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        await Stub.DisposeAsync();
        await _server.DropDatabaseAsync(ConnectionString);
    }

    internal IngestionApp App(IReadOnlyDictionary<string, string?>? settings = null, int batchSize = 100, string? csvPath = null)
    {
        var app = new IngestionApp(ConnectionString, csvPath, Stub, settings, batchSize);
        _apps.Add(app);
        return app;
    }
}
