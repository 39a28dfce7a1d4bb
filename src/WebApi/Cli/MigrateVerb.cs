using Kasparro.Application.Database.Migrate;
using Kasparro.WebApi.Hosting;

namespace Kasparro.WebApi.Cli;

/// <summary><c>migrate</c>: apply pending migrations and exit.</summary>
public static class MigrateVerb
{
    public static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.AddKasparro(logsToStandardError: true);
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new MigrateDatabaseCommand(), cancellationToken);
        Console.Out.WriteLine(result.Applied.Count == 0
            ? $"schema is up to date ({result.AlreadyApplied} migrations applied before)"
            : $"applied {result.Applied.Count} migration(s): {string.Join(", ", result.Applied)}");
        return ExitCodes.Success;
    }
}
