using System.Collections.Concurrent;

namespace Kasparro.WebApi.Observability;

/// <summary>
/// Counts requests by (method, route, status) and observes their durations by (method, route), in process. Every label
/// is bounded: the route is the endpoint's route template (or <see cref="UnmatchedRoute"/>), the method one of the
/// standard ones (or <c>OTHER</c>), the status a number. Recording is lock-free: a dictionary lookup and
/// <see cref="Interlocked"/> increments.
/// </summary>
public sealed class HttpMetricsCollector
{
    public const string UnmatchedRoute = "unmatched";

    /// <summary>Upper bounds, in seconds, of the duration histogram's buckets (before <c>+Inf</c>).</summary>
    public static IReadOnlyList<double> DurationBuckets { get; } = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    private readonly ConcurrentDictionary<RequestKey, Counter> _requests = new();
    private readonly ConcurrentDictionary<RouteKey, Histogram> _durations = new();

    public void Record(string method, string? route, int status, TimeSpan duration)
    {
        var normalizedMethod = NormalizeMethod(method);
        var normalizedRoute = string.IsNullOrEmpty(route) ? UnmatchedRoute : route;
        _requests.GetOrAdd(new RequestKey(normalizedMethod, normalizedRoute, status), static _ => new Counter()).Increment();
        _durations.GetOrAdd(new RouteKey(normalizedMethod, normalizedRoute), static _ => new Histogram()).Observe(duration);
    }

    /// <summary>The counts and histograms as they are now, ordered by route, method and status for a stable exposition.</summary>
    public HttpMetricsSnapshot Snapshot()
    {
        var requests = _requests
            .Select(p => new RequestCount(p.Key.Method, p.Key.Route, p.Key.Status, p.Value.Value))
            .OrderBy(r => r.Route, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.Status)
            .ToList();
        var durations = _durations
            .Select(p => p.Value.Snapshot(p.Key.Method, p.Key.Route))
            .OrderBy(d => d.Route, StringComparer.Ordinal).ThenBy(d => d.Method, StringComparer.Ordinal)
            .ToList();
        return new HttpMetricsSnapshot(requests, durations);
    }

    internal static string NormalizeMethod(string? method)
    {
        foreach (var known in Methods)
        {
            if (string.Equals(method, known, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return "OTHER";
    }

    private readonly record struct RequestKey(string Method, string Route, int Status);

    private readonly record struct RouteKey(string Method, string Route);

    private sealed class Counter
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }

    private sealed class Histogram
    {
        private readonly long[] _buckets = new long[DurationBuckets.Count + 1];
        private long _sumTicks;

        public void Observe(TimeSpan duration)
        {
            var ticks = Math.Max(0, duration.Ticks);
            var seconds = ticks / (double)TimeSpan.TicksPerSecond;
            var bucket = 0;
            while (bucket < DurationBuckets.Count && seconds > DurationBuckets[bucket])
            {
                bucket++;
            }

            Interlocked.Increment(ref _buckets[bucket]);
            Interlocked.Add(ref _sumTicks, ticks);
        }

        public DurationHistogram Snapshot(string method, string route)
        {
            var counts = new long[_buckets.Length];
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = Interlocked.Read(ref _buckets[i]);
            }

            return new DurationHistogram(method, route, counts, Interlocked.Read(ref _sumTicks) / (double)TimeSpan.TicksPerSecond);
        }
    }
}

public sealed record HttpMetricsSnapshot(IReadOnlyList<RequestCount> Requests, IReadOnlyList<DurationHistogram> Durations);

public sealed record RequestCount(string Method, string Route, int Status, long Count);

/// <summary>
/// One route's durations: observations per bucket (not cumulated; the last is above every bound) and their sum in
/// seconds. The count is the buckets' total, so <c>_count</c> always equals the <c>+Inf</c> bucket.
/// </summary>
public sealed record DurationHistogram(string Method, string Route, IReadOnlyList<long> BucketCounts, double SumSeconds)
{
    public long Count => BucketCounts.Sum();
}
