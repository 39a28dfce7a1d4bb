using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Kasparro.Infrastructure.Sources.Http;

/// <summary>
/// What counts as a failure of a source, for the politeness pipeline (which attempts to retry) and for the reader of
/// the final answer (which failures mean the source is unavailable), and what a response's <c>Retry-After</c> asks for.
/// </summary>
internal static class HttpFailures
{
    /// <summary>
    /// The library's transient outcomes (408, 429, any 5xx, <see cref="HttpRequestException"/>, an attempt timeout), and
    /// an <see cref="IOException"/>: a connection dropped mid-exchange, which the library's predicate does not count.
    /// </summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        HttpClientResiliencePredicates.IsTransient(outcome) || outcome.Exception is IOException;

    /// <summary>A final status the pipeline retried before handing it back (408, 429, any 5xx).</summary>
    public static bool IsTransientStatus(HttpResponseMessage response) => IsTransient(Outcome.FromResult(response));

    /// <summary>
    /// The failures that mean the source is not answering, as opposed to the caller cancelling: a transient failure of
    /// the last attempt, a refusal by the pipeline itself (open circuit, total timeout, no rate-limit token), or a
    /// cancellation the caller did not ask for (a timer on reading the body).
    /// </summary>
    public static bool IsSourceFailure(Exception exception, CancellationToken callerToken) => exception switch
    {
        OperationCanceledException => !callerToken.IsCancellationRequested,
        ExecutionRejectedException => true,
        _ => IsTransient(Outcome.FromException<HttpResponseMessage>(exception)),
    };

    /// <summary>
    /// The wait a <c>Retry-After</c> header asks for (delta-seconds, or an HTTP date against <paramref name="timeProvider"/>),
    /// never negative. The library's own <c>Retry-After</c> handling reads an HTTP date against the system clock, which
    /// is why this one exists.
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider timeProvider)
    {
        var header = response?.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - timeProvider.GetUtcNow() : null);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    /// <summary>How an outcome reads in a log line: the status code, or the exception type (never a message, header or URL).</summary>
    public static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception
            ? exception.GetType().Name
            : outcome.Result is { } response ? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response";

    /// <summary>The path of the request being executed, for logs: no query string (it may carry a key), no host.</summary>
    public static string PathOf(ResilienceContext context) => context.GetRequestMessage()?.RequestUri switch
    {
        null => "/",
        { IsAbsoluteUri: true } uri => uri.AbsolutePath,
        var uri => uri.OriginalString.Split('?', '#')[0],
    };
}
