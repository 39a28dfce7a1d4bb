using System.Collections.Concurrent;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Application.Ingestion.RunIngestion;

namespace Kasparro.WebApi.Hosting;

/// <summary>
/// Completes the runs <c>POST /v1/runs</c> started, on the host's lifetime. At shutdown the runs in flight are
/// cancelled (each stops at a batch boundary and records itself as failed with that reason) and awaited.
/// </summary>
public sealed partial class BackgroundRuns(ILogger<BackgroundRuns> logger) : IBackgroundRuns, IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Guid, Task> _running = new();
    private int _disposed;

    public void Complete(StartedSourceRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        _running[run.RunId] = Task.Run(() => CompleteAsync(run), CancellationToken.None);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Values).WaitAsync(cancellationToken).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Dispose();
        }
    }

    private async Task CompleteAsync(StartedSourceRun run)
    {
        try
        {
            await using (run)
            {
                var result = await run.CompleteAsync(_stopping.Token);
                LogCompleted(result.Source, result.Status, run.RunId);
            }
        }
#pragma warning disable CA1031 // A background run records its own failure; nothing may escape into the host.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(ex, run.Source, run.RunId);
        }
        finally
        {
            _running.TryRemove(run.RunId, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Manual run of {Source} ended {Status} (run {RunId})")]
    private partial void LogCompleted(string source, string status, Guid runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Manual run of {Source} (run {RunId}) failed outside the run")]
    private partial void LogFailed(Exception exception, string source, Guid runId);
}
