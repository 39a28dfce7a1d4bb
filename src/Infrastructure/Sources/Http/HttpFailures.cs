using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Kasparro.Infrastructure.Sources.Http;

/// <summary>What counts as a transient failure of an attempt, and what a response's <c>Retry-After</c> asks for.</summary>
internal static class HttpFailures
{
    /// <summary>
    /// The library's transient outcomes (408, 429, any 5xx, <see cref="HttpRequestException"/>, an attempt timeout), and
    /// an <see cref="IOException"/>: a connection dropped mid-exchange, which the library's predicate does not count.
    /// </summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        HttpClientResiliencePredicates.IsTransient(outcome) || outcome.Exception is IOException;

    /// <summary>
    /// The wait a <c>Retry-After</c> header asks for (delta-seconds, or an HTTP date against <paramref name="timeProvider"/>),
    /// never negative. The library's own <c>Retry-After</c> handling reads an HTTP date against the system clock, which
    /// is why this one exists.
    /// </summary>
    public static TimeSpan? RetryAfter(Outcome<HttpResponseMessage> outcome, TimeProvider timeProvider)
    {
        var header = outcome.Result?.Headers.RetryAfter;
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
