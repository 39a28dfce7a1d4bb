namespace Kasparro.Infrastructure.Sources.Http;

/// <summary>
/// Counters of one source's outbound traffic, shared by every handler of that source (a keyed singleton):
/// attempts sent, retries made and circuit breaker openings. Thread-safe.
/// </summary>
public sealed class SourceHttpTelemetry(string source)
{
    private long _attempts;
    private long _retries;
    private long _breakerOpenings;

    public string Source { get; } = source;

    /// <summary>Attempts that got a token and were sent to the server (first tries and retries).</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    public long Retries => Interlocked.Read(ref _retries);

    public long BreakerOpenings => Interlocked.Read(ref _breakerOpenings);

    internal void RecordAttempt() => Interlocked.Increment(ref _attempts);

    internal void RecordRetry() => Interlocked.Increment(ref _retries);

    internal void RecordBreakerOpened() => Interlocked.Increment(ref _breakerOpenings);
}
