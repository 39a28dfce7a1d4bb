using Microsoft.AspNetCore.Diagnostics;

namespace Kasparro.WebApi.Observability;

/// <summary>
/// Feeds <see cref="HttpMetricsCollector"/>. Placed after routing, it notes the matched endpoint's route template; it
/// records when the response starts, because only then is the status final (an exception thrown below it becomes a
/// 400/404/503 problem in the exception handler above it, a rejected request a 429 in the rate limiter below it). The
/// duration is therefore the time to the response's first byte.
/// </summary>
public sealed class HttpMetricsMiddleware(RequestDelegate next, HttpMetricsCollector collector, TimeProvider time)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = new RequestState(context, collector, time, time.GetTimestamp(), RouteOf(context.GetEndpoint()));
        context.Response.OnStarting(static s => ((RequestState)s).Record(), state);
        return next(context);
    }

    /// <summary>The route template of an endpoint (<c>/v1/runs/{id}</c>), never the path; null for no route endpoint.</summary>
    internal static string? RouteOf(Endpoint? endpoint) =>
        endpoint is RouteEndpoint route ? route.RoutePattern.RawText ?? HttpMetricsCollector.UnmatchedRoute : null;

    private sealed class RequestState(HttpContext context, HttpMetricsCollector collector, TimeProvider time, long started, string? route)
    {
        public Task Record()
        {
            // Routing may run after this middleware when the pipeline is arranged differently; an exception handler
            // clears the endpoint but keeps it on its feature.
            var matched = route
                          ?? RouteOf(context.GetEndpoint())
                          ?? RouteOf(context.Features.Get<IExceptionHandlerFeature>()?.Endpoint);
            collector.Record(context.Request.Method, matched, context.Response.StatusCode, time.GetElapsedTime(started));
            return Task.CompletedTask;
        }
    }
}
