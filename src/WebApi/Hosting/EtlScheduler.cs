using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.Domain.Ingestion;

namespace Kasparro.WebApi.Hosting;

/// <summary>
/// Runs every enabled source once at start (ETL_ON_STARTUP) and then every ETL_INTERVAL (0 turns it off). It only
/// sends the same request the CLI sends; the sources' advisory locks keep several servers from running one source twice.
/// </summary>
public sealed partial class EtlScheduler(IServiceScopeFactory scopes, HostSettings settings, TimeProvider time, ILogger<EtlScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (settings.EtlOnStartup)
        {
            await RunAsync(RunTrigger.Startup, stoppingToken);
        }

        if (settings.EtlInterval == TimeSpan.Zero)
        {
            LogSchedulerOff();
            return;
        }

        using var timer = new PeriodicTimer(settings.EtlInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RunAsync(RunTrigger.Schedule, stoppingToken);
        }
    }

    private async Task RunAsync(RunTrigger trigger, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RunIngestionCommand([], trigger), stoppingToken);
            foreach (var run in result.Runs)
            {
                LogRun(trigger.ToText(), run.Source, run.Status, run.RunId);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; the run closed itself at a batch boundary.
        }
#pragma warning disable CA1031 // One failed round must not stop the schedule; the run itself records its failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRoundFailed(ex, trigger.ToText());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled ({Trigger}) run of {Source} ended {Status} (run {RunId})")]
    private partial void LogRun(string trigger, string source, string status, Guid? runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Trigger} ETL round failed")]
    private partial void LogRoundFailed(Exception exception, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "ETL_INTERVAL is 0: the scheduler is off")]
    private partial void LogSchedulerOff();
}
