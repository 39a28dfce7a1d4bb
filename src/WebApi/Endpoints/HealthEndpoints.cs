using Kasparro.Application.Health.GetHealth;

namespace Kasparro.WebApi.Endpoints;

/// <summary><c>/health</c> (database and sources) and <c>/health/live</c> (the process alone).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health");
        group.MapGet("/", GetHealth).WithName(nameof(GetHealth));
        group.MapGet("/live", GetLiveness).WithName(nameof(GetLiveness));
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

    public sealed record HealthResponse(string Status, string Database, RunSummary? LastEtlRun, IReadOnlyDictionary<string, SourceHealth> Sources);

    public sealed record LivenessResponse(string Status);
}
