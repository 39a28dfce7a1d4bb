using Kasparro.Application.Runs;
using Kasparro.Application.Runs.Ports;

namespace Kasparro.UnitTests.Application.Runs;

/// <summary>Runs for handler tests; every parameter has a sensible default.</summary>
internal static class RunBuilder
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    public static RunDto Run(
        Guid? id = null,
        string source = "csv",
        string status = "succeeded",
        string trigger = "schedule",
        DateTimeOffset? startedAt = null,
        long? durationMs = 1000,
        long read = 100,
        long loaded = 100,
        long skipped = 0,
        long rejected = 0)
    {
        var started = startedAt ?? T0;
        return new RunDto
        {
            Id = id ?? Guid.CreateVersion7(),
            Source = source,
            Trigger = trigger,
            Status = status,
            StartedAt = started,
            FinishedAt = status == "running" ? null : started.AddMilliseconds(durationMs ?? 0),
            DurationMs = status == "running" ? null : durationMs,
            Read = read,
            Loaded = loaded,
            Skipped = skipped,
            Rejected = rejected,
            Error = status == "failed" ? "boom" : null,
        };
    }

    public static RunWithHistory WithHistory(RunDto run, long[] loaded, long?[]? durations = null) =>
        new(run, loaded, durations ?? loaded.Select(_ => (long?)1000).ToArray());
}
