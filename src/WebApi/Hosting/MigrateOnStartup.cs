using Kasparro.Application.Database.Migrate;

namespace Kasparro.WebApi.Hosting;

/// <summary>Applies pending migrations before the server listens (hosted services start before the server).</summary>
public sealed class MigrateOnStartup(IServiceScopeFactory scopes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new MigrateDatabaseCommand(), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
