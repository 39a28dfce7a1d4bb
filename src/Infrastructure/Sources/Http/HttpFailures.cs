using System.Net;
using Polly;
using Polly.Timeout;

namespace Kasparro.Infrastructure.Sources.Http;

/// <summary>What counts as a transient failure of an attempt, and what a response's <c>Retry-After</c> asks for.</summary>
internal static class HttpFailures
{
    /// <summary>408, 429, any 5xx, a failed connection (<see cref="HttpRequestException"/>, <see cref="IOException"/>) or an attempt timeout.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        null => outcome.Result is { } response && IsTransient(response.StatusCode),
        HttpRequestException or IOException or TimeoutRejectedException => true,
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The wait a <c>Retry-After</c> header asks for (delta-seconds, or an HTTP date against <paramref name="timeProvider"/>), never negative.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - timeProvider.GetUtcNow() : null);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    /// <summary>How an outcome reads in a log line: the status code, or the exception type (never a message, header or URL).</summary>
    public static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception
            ? exception.GetType().Name
            : outcome.Result is { } response ? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response";

    /// <summary>The request path for logs: no query string (it may carry a key), no host.</summary>
    public static string PathOf(HttpRequestMessage request) => request.RequestUri switch
    {
        null => "/",
        { IsAbsoluteUri: true } uri => uri.AbsolutePath,
        var uri => uri.OriginalString.Split('?', '#')[0],
    };
}
