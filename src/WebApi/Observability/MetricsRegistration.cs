using Kasparro.Application.Metrics.GetEtlMetrics;

namespace Kasparro.WebApi.Observability;

/// <summary>
/// <c>GET /metrics</c> (Prometheus text, outside <c>/v1</c>: no API key, no rate limit) and the HTTP metrics middleware.
/// Nothing here reads configuration, so no secret can reach a label.
/// </summary>
public static class MetricsRegistration
{
    public static IServiceCollection AddKasparroMetrics(this IServiceCollection services)
    {
        services.AddSingleton<HttpMetricsCollector>();
        return services;
    }

    /// <summary>Place after <c>UseRouting</c> (so the endpoint's route template is known) and before the rate limiter.</summary>
    public static IApplicationBuilder UseHttpMetrics(this IApplicationBuilder app) => app.UseMiddleware<HttpMetricsMiddleware>();

    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", GetMetrics)
            .WithName(nameof(GetMetrics))
            .WithTags("Health")
            .WithSummary("Prometheus metrics")
            .WithDescription(
                "Text exposition format 0.0.4: `api_up`, `db_up`, per source `etl_last_run_success`, `etl_run_duration_seconds`, "
                + "`etl_last_success_timestamp_seconds`, `etl_records_total{outcome}` and `etl_runs_total{status}` (absent while the "
                + "database is down; the scrape still answers 200), and `http_requests_total{method,route,status}` and the "
                + "`http_request_duration_seconds` histogram by route template.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        return app;
    }

    public static async Task<ContentHttpResult> GetMetrics(IMediator mediator, HttpMetricsCollector collector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mediator);
        ArgumentNullException.ThrowIfNull(collector);
        var etl = await mediator.Send(new GetEtlMetricsQuery(), cancellationToken);
        return TypedResults.Text(PrometheusText.Write(MetricsExposition.Families(etl, collector.Snapshot())), PrometheusText.ContentType);
    }
}
