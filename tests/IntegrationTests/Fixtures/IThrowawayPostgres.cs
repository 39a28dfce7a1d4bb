namespace Kasparro.IntegrationTests.Fixtures;

/// <summary>A PostgreSQL server that tests own: started for them, stopped and started by them, removed afterwards.</summary>
internal interface IThrowawayPostgres : IAsyncDisposable
{
    /// <summary>Superuser connection string to the <c>postgres</c> database; read again after <see cref="StartAsync"/>.</summary>
    string AdminConnectionString { get; }

    /// <summary>Where the server comes from, for the test log.</summary>
    string Description { get; }

    Task StartAsync();

    /// <summary>Fast shutdown: connections are cut at once, committed data survives.</summary>
    Task StopAsync();
}
