using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Kasparro.IntegrationTests.Fixtures;

/// <summary>
/// A throwaway <c>postgres:15</c> container (Testcontainers), the image the project deploys, with the given server
/// settings as <c>-c</c> options. Its host port is fixed when it is created, so a connection string stays valid across
/// <see cref="StopAsync"/> and <see cref="StartAsync"/> (Docker keeps an explicit binding; a random one may move).
/// Testcontainers' resource reaper removes the container if the test process dies before disposing it.
/// </summary>
internal sealed class PostgresContainer : IThrowawayPostgres
{
    public const string Image = "postgres:15";

    private readonly PostgreSqlContainer _container;

    private PostgresContainer(PostgreSqlContainer container)
    {
        _container = container;
        AdminConnectionString = new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Pooling = true, MaxPoolSize = 20 }.ConnectionString;
    }

    public string AdminConnectionString { get; }

    public string Description => $"container {Image}";

    /// <summary>The started container, or null when no Docker engine answers (Testcontainers finds none within a second).</summary>
    public static async Task<PostgresContainer?> TryStartAsync(IEnumerable<string> settings, string password)
    {
        PostgreSqlContainer container;
        try
        {
            container = new PostgreSqlBuilder(Image)
                .WithUsername(PostgresServer.SuperUser)
                .WithPassword(password)
                .WithPortBinding(PostgresServer.FreePort(), PostgreSqlBuilder.PostgreSqlPort)
                .WithCommand([.. settings.SelectMany(setting => new[] { "-c", setting })])
                .Build();
        }
        catch (DockerUnavailableException)
        {
            return null;
        }

        try
        {
            await container.StartAsync();
        }
        catch (DockerUnavailableException)
        {
            await container.DisposeAsync();
            return null;
        }

        return new PostgresContainer(container);
    }

    /// <summary>Starts the stopped container again; Testcontainers waits until <c>pg_isready</c> answers.</summary>
    public Task StartAsync() => _container.StartAsync();

    /// <summary>
    /// <c>docker stop</c>: the image's stop signal is SIGINT, PostgreSQL's fast shutdown (connections are cut at once,
    /// committed data survives), as the local cluster's <c>pg_ctl stop -m fast</c>.
    /// </summary>
    public Task StopAsync() => _container.StopAsync();

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
