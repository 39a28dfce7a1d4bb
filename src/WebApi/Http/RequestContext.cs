using System.Diagnostics;

namespace Kasparro.WebApi.Http;

/// <summary>
/// Gives every request its id (the client's <c>X-Request-Id</c> when it is a sensible token, else a new one), echoes it
/// on the response, opens the <c>request_id</c> log scope, and notes when the request started for <c>api_latency_ms</c>.
/// </summary>
public sealed class RequestContextMiddleware(RequestDelegate next, ILogger<RequestContextMiddleware> logger)
{
    public const string HeaderName = "X-Request-Id";
    private const int MaxClientIdLength = 128;
    private static readonly object StartedKey = new();

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[StartedKey] = Stopwatch.GetTimestamp();
        var id = context.Request.Headers[HeaderName] is [{ } sent] && IsAcceptable(sent) ? sent : Guid.CreateVersion7().ToString("N");
        context.TraceIdentifier = id;
        context.Response.Headers[HeaderName] = id;
        context.Response.OnStarting(static state =>
        {
            var (http, requestId) = ((HttpContext, string))state;
            http.Response.Headers[HeaderName] = requestId;
            return Task.CompletedTask;
        }, (context, id));

        using (logger.BeginScope(new RequestIdScope(id)))
        {
            await next(context);
        }
    }

    /// <summary>Milliseconds since the request entered the pipeline (0 when it did not pass this middleware).</summary>
    public static double ElapsedMilliseconds(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(StartedKey, out var started) && started is long timestamp
            ? Math.Round(Stopwatch.GetElapsedTime(timestamp).TotalMilliseconds, 3)
            : 0;
    }

    /// <summary>
    /// The <c>request_id</c> scope: a property in JSON logs and <c>request_id=...</c> in text logs (a plain dictionary
    /// would print its type name as the scope's message).
    /// </summary>
    private sealed class RequestIdScope(string id) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? new KeyValuePair<string, object?>("request_id", id) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"request_id={id}";
    }

    /// <summary>A client id is echoed only when it is short and plain (letters, digits, <c>-_.:</c>): never log-injected.</summary>
    private static bool IsAcceptable(string id) =>
        id.Length is > 0 and <= MaxClientIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
