using Kasparro.Application.Health.GetHealth;
using Kasparro.WebApi.OpenApi;

namespace Kasparro.WebApi.Endpoints;

/// <summary><c>/health</c> (database and sources) and <c>/health/live</c> (the process alone).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health");
        group.MapGet("/", GetHealth)
            .WithName(nameof(GetHealth))
            .WithSummary("Database and sources")
            .WithDescription("200 when the database answers, with the last ETL run and each source's last run, last success and freshness in seconds; 503 with `\"database\": \"unreachable\"` when it does not.")
            .Produces<HealthResponse>()
            .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, Example));
        group.MapGet("/live", GetLiveness)
            .WithName(nameof(GetLiveness))
            .WithSummary("The process alone")
            .WithDescription("200 whenever the process serves HTTP; it does not touch the database.");
        return app;
    }

    public static async Task<IResult> GetHealth(IMediator mediator, CancellationToken cancellationToken)
    {
        var report = await mediator.Send(new GetHealthQuery(), cancellationToken);
        var body = new HealthResponse(
            report.DatabaseUp ? "ok" : "unavailable",
            report.DatabaseUp ? "connected" : "unreachable",
            report.LastEtlRun,
            report.Sources);
        return report.DatabaseUp ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    public static Ok<LivenessResponse> GetLiveness() => TypedResults.Ok(new LivenessResponse("ok"));

    private const string Example = """
        {
          "status": "ok", "database": "connected",
          "last_etl_run": { "id": "0195f3c1-9a2b-7c3d-8e4f-5a6b7c8d9e0f", "source": "csv", "trigger": "startup", "status": "succeeded",
                            "started_at": "2026-11-20T10:00:00+00:00", "finished_at": "2026-11-20T10:00:01.2+00:00", "duration_ms": 1200,
                            "read": 12977, "loaded": 12977, "skipped": 0, "rejected": 0, "error": null },
          "sources": { "csv": { "last_run": null, "last_success_at": "2026-11-20T10:00:01.2+00:00", "freshness_seconds": 42 } }
        }
        """;

    public sealed record HealthResponse(string Status, string Database, RunSummary? LastEtlRun, IReadOnlyDictionary<string, SourceHealth> Sources);

    public sealed record LivenessResponse(string Status);
}
