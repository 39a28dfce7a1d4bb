using Kasparro.Application.Ingestion.TriggerRun;
using Kasparro.WebApi.Http;

namespace Kasparro.WebApi.Endpoints.V1;

/// <summary><c>POST /v1/runs</c>: start a manual ETL run, with the admin bearer token (<see cref="AdminTokenFilter"/>).</summary>
public static class RunCommandEndpoints
{
    public static RouteGroupBuilder MapRunCommandEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/runs", TriggerRun)
            .WithName(nameof(TriggerRun))
            .WithTags("Runs")
            .WithSummary("Start an ETL run")
            .WithDescription(
                "Starts a manual run of one source (`{\"source\": \"csv\"}`) or of every enabled source (`{}` or no body) and answers "
                + "202 at once with the run ids and a `Location` to follow. Needs `Authorization: Bearer <ADMIN_TOKEN>`; when "
                + "ADMIN_TOKEN is unset the endpoint is disabled (403). A source already running is not started twice: 409 names the running run.")
            .Accepts<TriggerRunRequest>("application/json")
            .Produces<TriggerRunResponse>(StatusCodes.Status202Accepted);
        return v1;
    }

    public static async Task<IResult> TriggerRun(IMediator mediator, TriggerRunRequest? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mediator);
        var result = await mediator.Send(new TriggerRunCommand(body?.Source), cancellationToken);
        var started = result.Started.Select(r => new RunLink(r.Source, r.RunId!.Value, "running", $"/v1/runs/{r.RunId}")).ToList();
        var busy = result.Busy.Select(r => new BusySource(r.Source, r.RunId)).ToList();
        var location = started.Count == 1 ? started[0].Href : $"/v1/runs?limit={started.Count}";
        return TypedResults.Accepted(location, new TriggerRunResponse(started, busy));
    }

    /// <summary>The body: which source to run; absent or null for every enabled source.</summary>
    public sealed record TriggerRunRequest(string? Source);

    public sealed record TriggerRunResponse(IReadOnlyList<RunLink> Runs, IReadOnlyList<BusySource> Busy);

    public sealed record RunLink(string Source, Guid RunId, string Status, string Href);

    public sealed record BusySource(string Source, Guid? RunningRunId);
}
