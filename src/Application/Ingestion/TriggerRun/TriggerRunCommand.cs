using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.Domain.Ingestion;

namespace Kasparro.Application.Ingestion.TriggerRun;

/// <summary>
/// <c>POST /v1/runs</c>: start a manual run of one source (or of every enabled source when <see cref="Source"/> is
/// null) and return at once with the run ids; the runs complete in the background. A source that is already running
/// is not started again: when it is the only one asked for, that is a conflict naming the running run.
/// </summary>
public sealed record TriggerRunCommand : IRequest<TriggerRunResult>
{
    public TriggerRunCommand(string? source) => Source = source?.Trim().ToLowerInvariant();

    /// <summary>The source asked for, trimmed and lower-cased once here; null for every enabled source.</summary>
    public string? Source { get; }
}

/// <param name="Started">The runs started now, each already recorded as <c>running</c>.</param>
/// <param name="Busy">Sources skipped because a run of theirs was in progress, with that run's id.</param>
public sealed record TriggerRunResult(IReadOnlyList<TriggeredRun> Started, IReadOnlyList<TriggeredRun> Busy);

public sealed record TriggeredRun(string Source, Guid? RunId);

public sealed class TriggerRunHandler(
    IEnumerable<IIngestionSource> sources,
    IngestionSettings settings,
    SourceRunner runner,
    IBackgroundRuns background) : IRequestHandler<TriggerRunCommand, TriggerRunResult>
{
    public async Task<TriggerRunResult> Handle(TriggerRunCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var byName = sources.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var selected = request.Source is { } one
            ? [one]
            : settings.EnabledSources.Where(byName.ContainsKey).ToList();
        var notEnabled = selected.Where(name => !byName.ContainsKey(name) || !settings.EnabledSources.Contains(name, StringComparer.Ordinal)).ToList();
        if (notEnabled.Count > 0)
        {
            throw new RequestValidationException(new Dictionary<string, string[]>
            {
                ["source"] = [$"'{notEnabled[0]}' is not an enabled source; enabled: {string.Join(", ", settings.EnabledSources)}"],
            });
        }

        var command = new RunIngestionCommand(selected, RunTrigger.Manual);
        var started = new List<TriggeredRun>();
        var busy = new List<TriggeredRun>();
        foreach (var name in selected)
        {
            // The run is opened (and its lock taken) before answering, so the id we return is a real run, and a
            // concurrent request sees this one as busy.
            var start = await runner.StartAsync(byName[name], command, cancellationToken);
            if (start.Started is { } run)
            {
                background.Complete(run);
                started.Add(new TriggeredRun(name, run.RunId));
            }
            else
            {
                busy.Add(new TriggeredRun(name, start.Busy!.RunId));
            }
        }

        if (started.Count == 0 && busy.Count > 0)
        {
            var first = busy[0];
            throw new ConflictException(
                busy.Count == 1 ? $"Source '{first.Source}' is already running." : "Every selected source is already running.",
                new Dictionary<string, object?>
                {
                    ["running"] = busy.Select(b => new Dictionary<string, object?> { ["source"] = b.Source, ["run_id"] = b.RunId }).ToList(),
                });
        }

        return new TriggerRunResult(started, busy);
    }
}
