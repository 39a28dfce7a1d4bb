using Kasparro.Domain.Common;

namespace Kasparro.Domain.Ingestion;

/// <summary>
/// One run of one source. It starts <see cref="RunStatus.Running"/>, accumulates committed batch counts, and ends
/// exactly once: succeeded, partial (a source stopped answering after some work was committed) or failed.
/// </summary>
public sealed class IngestionRun
{
    public const int MaxErrorLength = 2000;

    private IngestionRun(Guid id, string source, RunTrigger trigger, DateTimeOffset startedAt)
    {
        Id = id;
        Source = source;
        Trigger = trigger;
        StartedAt = startedAt;
        Status = RunStatus.Running;
    }

    public Guid Id { get; }

    public string Source { get; }

    public RunTrigger Trigger { get; }

    public RunStatus Status { get; private set; }

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public RunCounts Counts { get; private set; }

    public string? Error { get; private set; }

    public long? DurationMs => FinishedAt is { } end ? (long)(end - StartedAt).TotalMilliseconds : null;

    public bool IsFinished => Status != RunStatus.Running;

    public static IngestionRun Start(Guid id, string source, RunTrigger trigger, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return new IngestionRun(id, source, trigger, now);
    }

    /// <summary>Rebuilds a stored run; only the persistence layer calls this.</summary>
    public static IngestionRun Restore(
        Guid id, string source, RunTrigger trigger, RunStatus status, DateTimeOffset startedAt, DateTimeOffset? finishedAt, RunCounts counts, string? error) =>
        new(id, source, trigger, startedAt) { Status = status, FinishedAt = finishedAt, Counts = counts, Error = error };

    public void RecordBatch(RunCounts batch)
    {
        EnsureRunning(nameof(RecordBatch));
        if (batch.Read < 0 || batch.Loaded < 0 || batch.Skipped < 0 || batch.Rejected < 0)
        {
            throw new DomainRuleException("batch counts cannot be negative");
        }

        Counts += batch;
    }

    public void Succeed(DateTimeOffset now) => Finish(RunStatus.Succeeded, now, null);

    /// <summary>Ends the run partial: the source stopped answering, what was committed stays with its checkpoint.</summary>
    public void EndPartial(DateTimeOffset now, string error) => Finish(RunStatus.Partial, now, error);

    public void Fail(DateTimeOffset now, string error) => Finish(RunStatus.Failed, now, error);

    private void Finish(RunStatus status, DateTimeOffset now, string? error)
    {
        EnsureRunning(status.ToText());
        if (status != RunStatus.Succeeded && string.IsNullOrWhiteSpace(error))
        {
            throw new DomainRuleException($"a {status.ToText()} run needs an error message");
        }

        Status = status;
        FinishedAt = now < StartedAt ? StartedAt : now;
        Error = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error;
    }

    private void EnsureRunning(string action)
    {
        if (Status != RunStatus.Running)
        {
            throw new DomainRuleException($"run {Id} is {Status.ToText()}; '{action}' needs a running run");
        }
    }
}
