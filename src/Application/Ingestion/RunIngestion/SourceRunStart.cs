using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;

namespace Kasparro.Application.Ingestion.RunIngestion;

/// <summary>The outcome of <see cref="SourceRunner.StartAsync"/>: a started run, or the busy result naming the running one.</summary>
public sealed record SourceRunStart(StartedSourceRun? Started, SourceRunResult? Busy);

/// <summary>
/// A run that holds its source's lock and has its <c>etl_runs</c> row, waiting to be completed. Completing it (once)
/// runs the source; disposing it releases the lock, and a run disposed without being completed is recorded as failed.
/// </summary>
public sealed class StartedSourceRun : IAsyncDisposable
{
    private readonly SourceRunner _runner;
    private readonly IAsyncDisposable _lease;
    private readonly IIngestionSource _source;
    private readonly IngestionRun _run;
    private readonly RunIngestionCommand _command;
    private int _state;

    internal StartedSourceRun(SourceRunner runner, IAsyncDisposable lease, IIngestionSource source, IngestionRun run, RunIngestionCommand command)
    {
        _runner = runner;
        _lease = lease;
        _source = source;
        _run = run;
        _command = command;
    }

    public string Source => _source.Name;

    public Guid RunId => _run.Id;

    public async Task<SourceRunResult> CompleteAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException($"run {_run.Id} was already completed or abandoned");
        }

        return await _runner.CompleteAsync(_source, _run, _command, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
        {
            // Never completed (the host stopped before the run began): close it with that reason, under the lock.
            await _runner.CompleteAsync(_source, _run, _command, new CancellationToken(canceled: true));
        }

        await _lease.DisposeAsync();
    }
}
