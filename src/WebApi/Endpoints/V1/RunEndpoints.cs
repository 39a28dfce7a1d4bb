using Kasparro.Application.Runs;
using Kasparro.Application.Runs.CompareRuns;
using Kasparro.Application.Runs.GetRun;
using Kasparro.Application.Runs.GetRunAnomalies;
using Kasparro.Application.Runs.GetRuns;
using Kasparro.WebApi.Caching;
using Microsoft.AspNetCore.Mvc;

namespace Kasparro.WebApi.Endpoints.V1;

/// <summary>
/// <c>GET /v1/runs</c>, <c>/v1/runs/{id}</c>, <c>/v1/runs/compare</c> and <c>/v1/runs/anomalies</c>: the run history.
/// The id is bound as text so a malformed one gets a 400 problem naming <c>id</c> (a <c>{id:guid}</c> constraint would
/// make it an unexplained 404); the literal segments <c>compare</c> and <c>anomalies</c> take precedence over <c>{id}</c>.
/// </summary>
public static class RunEndpoints
{
    public static RouteGroupBuilder MapRunEndpoints(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapGet("/runs", GetRuns)
            .WithName(nameof(GetRuns))
            .WithTags("Runs")
            .WithSummary("Run history")
            .WithDescription(
                "ETL runs, newest first (by started_at). Filter with `source` (one or a comma list); page with `limit` (1-500, "
                + "default 50) and either `offset` (up to 10,000) or the opaque `cursor` from `pagination.next_cursor`. "
                + "`pagination.total` counts matching runs exactly up to 10,000 (`total_exact` says whether it stopped there).")
            .ProducesValidationProblem();

        v1.MapGet("/runs/compare", CompareRuns)
            .WithName(nameof(CompareRuns))
            .WithTags("Runs")
            .WithSummary("Two runs side by side")
            .WithDescription(
                "Runs `a` and `b` (both required run ids) and what changed from a to b: whether they share a source, the status "
                + "and trigger change, how far apart they started, and for the duration and each count (read, loaded, skipped, "
                + "rejected) the delta `b - a` and the ratio `b / a` (null when a is 0 or a value is unknown). 404 when either "
                + "run does not exist.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        v1.MapGet("/runs/anomalies", GetRunAnomalies)
            .WithName(nameof(GetRunAnomalies))
            .WithTags("Runs")
            .WithSummary("Runs far outside their source's recent history")
            .WithDescription(
                "Finished runs, newest first, whose loaded count or duration is anomalous. Each of the latest 1,000 finished runs "
                + "of a source is compared with the `window` (5-200, default 20) finished runs of that source before it: robust "
                + "z = (value - median) / (1.4826 x MAD); when MAD is 0, 1.2533 x the mean absolute deviation from the median; "
                + "the scale is never below max(1, 5% of |median|). A run is anomalous when |z| > `threshold` (1-1000, default 3.5) "
                + "and at least 5 earlier runs exist. Each run lists its anomalous metrics with value, median, MAD, scale, z and "
                + "a reason. Filter with `source`; at most `limit` (1-500, default 50) runs.")
            .ProducesValidationProblem();

        v1.MapGet("/runs/{id}", GetRun)
            .WithName(nameof(GetRun))
            .WithTags("Runs")
            .WithSummary("One run")
            .WithDescription("A run by id: its source, trigger, status, times, duration, counts and error. 400 when the id is not a UUID, 404 when no run has it.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return v1;
    }

    public static Task<CachedRead<RunsResponse>> GetRuns(
        ReadCache cache,
        HttpContext context,
        [FromQuery(Name = "source")] string? source,
        [FromQuery(Name = "limit")] string? limit,
        [FromQuery(Name = "offset")] string? offset,
        [FromQuery(Name = "cursor")] string? cursor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.AnswerAsync(
            context,
            GetRunsQuery.Parse(source, limit, offset, cursor),
            (RunPage page, ResponseMeta meta) => new RunsResponse(page.Data, page.Pagination, meta),
            cancellationToken);
    }

    public static Task<CachedRead<RunResponse>> GetRun(
        ReadCache cache, HttpContext context, [FromRoute(Name = "id")] string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.AnswerAsync(context, GetRunQuery.Parse(id), (RunDto run, ResponseMeta meta) => new RunResponse(run, meta), cancellationToken);
    }

    public static Task<CachedRead<RunComparisonResponse>> CompareRuns(
        ReadCache cache,
        HttpContext context,
        [FromQuery(Name = "a")] string? a,
        [FromQuery(Name = "b")] string? b,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.AnswerAsync(
            context,
            CompareRunsQuery.Parse(a, b),
            (RunComparison comparison, ResponseMeta meta) => new RunComparisonResponse(comparison.A, comparison.B, comparison.Differences, meta),
            cancellationToken);
    }

    public static Task<CachedRead<RunAnomaliesResponse>> GetRunAnomalies(
        ReadCache cache,
        HttpContext context,
        [FromQuery(Name = "source")] string? source,
        [FromQuery(Name = "limit")] string? limit,
        [FromQuery(Name = "window")] string? window,
        [FromQuery(Name = "threshold")] string? threshold,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.AnswerAsync(
            context,
            GetRunAnomaliesQuery.Parse(source, limit, window, threshold),
            (RunAnomalies anomalies, ResponseMeta meta) => new RunAnomaliesResponse(anomalies.Data, anomalies.Rule, meta),
            cancellationToken);
    }

    public sealed record RunsResponse(IReadOnlyList<RunDto> Data, ListPagination Pagination, ResponseMeta Meta);

    public sealed record RunResponse(RunDto Data, ResponseMeta Meta);

    public sealed record RunComparisonResponse(RunDto A, RunDto B, RunDifferences Differences, ResponseMeta Meta);

    public sealed record RunAnomaliesResponse(IReadOnlyList<AnomalousRun> Data, AnomalyRuleApplied Rule, ResponseMeta Meta);
}
