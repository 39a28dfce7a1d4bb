using System.Collections.Concurrent;
using System.Net;
using Kasparro.Infrastructure.Sources.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Kasparro.UnitTests.Sources.Http;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows its pending timers, so a test can advance exactly to the next thing the
/// code under test waits for. Advancing and starting run without a synchronization context: continuations then run
/// inline, and when <see cref="Advance"/> returns the code has moved on to its next wait (or finished).
/// </summary>
internal sealed class TestClock : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TrackedTimer> _timers = [];

    public TestClock()
        : base(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public TimeSpan Elapsed => GetUtcNow() - Start;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(this);
        timer.Schedule(dueTime, period);
        timer.Inner = base.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        return timer;
    }

    /// <summary>How long until the earliest pending timer fires, or null when nothing waits on the clock.</summary>
    public TimeSpan? NextPendingDelay()
    {
        var now = GetUtcNow();
        lock (_gate)
        {
            // A timer that fired or was stopped may be started again by Change (pooled sources do this), so only disposal ends tracking.
            _timers.RemoveAll(t => t.Disposed);
            var pending = _timers.Select(t => t.NextDueAfter(now)).Where(due => due is not null).ToList();
            return pending.Count == 0 ? null : pending.Min() - now;
        }
    }

    public new void Advance(TimeSpan delta) => WithoutContext(() => base.Advance(delta));

    public static T Begin<T>(Func<T> start)
    {
        var result = default(T)!;
        WithoutContext(() => result = start());
        return result;
    }

    /// <summary>Advances to each next pending timer until <paramref name="task"/> completes; fails when the task waits on nothing.</summary>
    public async Task<T> RunUntilCompletedAsync<T>(Task<T> task, TimeSpan? limit = null)
    {
        var deadline = GetUtcNow() + (limit ?? TimeSpan.FromHours(1));
        while (!task.IsCompleted)
        {
            var next = NextPendingDelay() ?? throw new InvalidOperationException("The request waits on neither the clock nor a response");
            if (GetUtcNow() + next > deadline)
            {
                throw new InvalidOperationException($"The request was still running at {Elapsed} of fake time");
            }

            Advance(next);
        }

        return await task;
    }

    private static void WithoutContext(Action action)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            action();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private sealed class TrackedTimer(TestClock clock) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset? DueAt { get; private set; }

        private TimeSpan Period { get; set; }

        public void Schedule(TimeSpan dueTime, TimeSpan period)
        {
            DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
            Period = period;
        }

        public bool Disposed { get; private set; }

        /// <summary>When the timer fires next, counting from <paramref name="now"/>; null when it will not fire.</summary>
        public DateTimeOffset? NextDueAfter(DateTimeOffset now)
        {
            if (Disposed || DueAt is not { } due)
            {
                return null;
            }

            if (due > now)
            {
                return due;
            }

            if (Period == Timeout.InfiniteTimeSpan || Period == TimeSpan.Zero)
            {
                return null;
            }

            var periods = ((now - due).Ticks / Period.Ticks) + 1;
            return due + (Period * periods);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Schedule(dueTime, period);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            Disposed = true;
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return Inner.DisposeAsync();
        }
    }
}

/// <summary>An inner handler that plays a script: one step per call, the last step repeating. It records each call's fake time.</summary>
internal sealed class ScriptedHandler(TimeProvider clock, params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] steps) : HttpMessageHandler
{
    private readonly ConcurrentQueue<TimeSpan> _callTimes = new();
    private readonly DateTimeOffset _start = clock.GetUtcNow();
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The fake time of each call, from the handler's creation.</summary>
    public IReadOnlyList<TimeSpan> CallTimes => [.. _callTimes];

    public List<HttpResponseMessage> Responses { get; } = [];

    /// <summary>The <c>Authorization</c> header each call carried (to show that a key was sent, and so could have leaked).</summary>
    public List<string?> AuthorizationHeaders { get; } = [];

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Respond(HttpStatusCode status, Action<HttpResponseMessage>? configure = null) =>
        (_, _) =>
        {
            var response = new HttpResponseMessage(status) { Content = new TrackingContent() };
            configure?.Invoke(response);
            return Task.FromResult(response);
        };

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Throw(Exception exception) =>
        (_, _) => Task.FromException<HttpResponseMessage>(exception);

    /// <summary>
    /// Never answers: the attempt ends only when its token is cancelled (by the attempt timeout on the fake clock). The
    /// cancellation completes the task inline, so the pipeline moves on before <see cref="TestClock.Advance"/> returns.
    /// </summary>
    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Hang() =>
        (_, cancellationToken) =>
        {
            var never = new TaskCompletionSource<HttpResponseMessage>();
            cancellationToken.Register(() => never.TrySetCanceled(cancellationToken));
            return never.Task;
        };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        _callTimes.Enqueue(clock.GetUtcNow() - _start);
        lock (AuthorizationHeaders)
        {
            AuthorizationHeaders.Add(request.Headers.TryGetValues("Authorization", out var values) ? string.Join(",", values) : null);
        }

        var response = await steps[Math.Min(call, steps.Length) - 1](request, cancellationToken);
        lock (Responses)
        {
            Responses.Add(response);
        }

        return response;
    }
}

/// <summary>Response content that remembers being disposed.</summary>
internal sealed class TrackingContent() : ByteArrayContent([])
{
    public bool Disposed { get; private set; }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}

/// <summary>
/// A source's typed client as <see cref="SourceHttpClientRegistration.AddSourceHttpClient{TClient, TImplementation}"/>
/// registers it, in a container whose <see cref="TimeProvider"/> is the test clock, with a <see cref="ScriptedHandler"/>
/// as its primary handler and every log line captured.
/// </summary>
internal sealed class SourceClientHarness : IDisposable
{
    private readonly ServiceProvider _provider;

    public SourceClientHarness(TestClock clock, ApiSourceSettings settings, params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] steps)
    {
        Clock = clock;
        Settings = settings;
        Inner = new ScriptedHandler(clock, steps);
        var services = new ServiceCollection()
            .AddLogging(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs))
            .AddSingleton<TimeProvider>(clock);
        services.AddSourceHttpClient<IProbeClient, ProbeClient>(settings).ConfigurePrimaryHttpMessageHandler(() => Inner);
        _provider = services.BuildServiceProvider();
        Client = _provider.GetRequiredService<IProbeClient>().Http;
    }

    public TestClock Clock { get; }

    public ScriptedHandler Inner { get; }

    public ApiSourceSettings Settings { get; }

    public HttpClient Client { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Starts a GET without a synchronization context; the task runs until its first wait on the clock.</summary>
    public Task<HttpResponseMessage> Start(string path = "v1/tickers?quotes=USD") =>
        TestClock.Begin(() => Client.GetAsync(new Uri(path, UriKind.Relative), CancellationToken.None));

    public Task<HttpResponseMessage> SendAsync(string path = "v1/tickers?quotes=USD") => Clock.RunUntilCompletedAsync(Start(path));

    /// <summary>Log lines of the politeness itself (retries, timeouts, breaker), not those of the HTTP client or of Polly's telemetry.</summary>
    public IReadOnlyList<string> PolitenessLog(LogLevel level) =>
        [.. Logs.Entries.Where(e => e.Level == level && e.Category.StartsWith(typeof(SourceResiliencePipeline).Namespace!, StringComparison.Ordinal)).Select(e => e.Message)];

    public void Dispose()
    {
        // Polly's registry waits, on the pipeline's clock, for requests still in flight: their total timeout ends them.
        Clock.Advance(Settings.TotalTimeout);
        _provider.Dispose();
    }
}

/// <summary>Tests of a source's registered client: a fake clock, and harnesses disposed after the test.</summary>
public abstract class SourceClientTests : IDisposable
{
    private readonly List<SourceClientHarness> _harnesses = [];

    internal TestClock Clock { get; } = new();

    public void Dispose()
    {
        foreach (var harness in _harnesses)
        {
            harness.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    private protected SourceClientHarness Harness(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] steps) =>
        Harness(TestSettings.Create(), steps);

    private protected SourceClientHarness Harness(ApiSourceSettings settings, params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] steps)
    {
        var harness = new SourceClientHarness(Clock, settings, steps);
        _harnesses.Add(harness);
        return harness;
    }
}

public interface IProbeClient
{
    HttpClient Http { get; }
}

public sealed class ProbeClient(HttpClient http) : IProbeClient
{
    public HttpClient Http { get; } = http;
}

internal static class TestSettings
{
    /// <summary>Settings for handler tests: a budget generous enough never to wait, unless a test says otherwise.</summary>
    public static ApiSourceSettings Create(
        int maxRetryAttempts = 3,
        int breakerFailureThreshold = 100,
        TimeSpan? attemptTimeout = null,
        TimeSpan? totalTimeout = null,
        TimeSpan? maxRetryAfter = null,
        TimeSpan? baseDelay = null,
        RateLimit? rateLimit = null,
        string? key = null) => new()
        {
            Source = "testsource",
            BaseUrl = new Uri("https://api.example.test/"),
            AuthHeaderName = key is null ? null : "Authorization",
            AuthHeaderValue = key,
            RateLimit = rateLimit ?? new RateLimit(1000, TimeSpan.FromSeconds(1)),
            MaxRetryAttempts = maxRetryAttempts,
            BreakerFailureThreshold = breakerFailureThreshold,
            AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(30),
            TotalTimeout = totalTimeout ?? TimeSpan.FromMinutes(3),
            MaxRetryAfter = maxRetryAfter ?? TimeSpan.FromMinutes(2),
            BaseDelay = baseDelay ?? TimeSpan.FromSeconds(1),
            BreakDuration = TimeSpan.FromSeconds(30),
        };
}

internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((category, logLevel, formatter(state, exception) + (exception is null ? string.Empty : " " + exception)));
    }
}
