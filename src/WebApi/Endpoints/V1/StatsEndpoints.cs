using Kasparro.Application.Stats.GetStats;
using Kasparro.WebApi.Hosting;

namespace Kasparro.WebApi.Endpoints.V1;

/// <summary><c>GET /v1/stats</c>: how each source's runs went and how fresh its data is.</summary>
public static class StatsEndpoints
{
    public static RouteGroupBuilder MapStatsEndpoints(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapGet("/stats", GetStats)
            .WithName(nameof(GetStats))
            .WithTags("Operations")
            .WithSummary("Per-source run statistics")
            .WithDescription(
                "For every source (keyed by name; a known source that never ran has zeros): runs total, succeeded, partial, failed "
                + "and running; the finish times of the last success and the last failure; records read, loaded, skipped and "
                + "rejected over all runs; the average duration of finished runs; the latest run; and `freshness_seconds`, the "
                + "time since the last success finished (null when it never succeeded). `etl_interval_seconds` is this server's "
                + "ETL_INTERVAL (null when its scheduler is off).")
            .Produces<StatsResponse>();
        return v1;
    }

    public static async Task<Ok<StatsResponse>> GetStats(IMediator mediator, HostSettings settings, HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mediator);
        ArgumentNullException.ThrowIfNull(settings);
        var report = await mediator.Send(new GetStatsQuery(), cancellationToken);
        long? interval = settings.EtlInterval == TimeSpan.Zero ? null : (long)settings.EtlInterval.TotalSeconds;
        return TypedResults.Ok(new StatsResponse(report.GeneratedAt, interval, report.Sources, ResponseMeta.Of(context)));
    }

    /// <param name="EtlIntervalSeconds">This server's <c>ETL_INTERVAL</c> (null when its scheduler is off): how old data may be before it is late.</param>
    public sealed record StatsResponse(DateTimeOffset GeneratedAt, long? EtlIntervalSeconds, IReadOnlyDictionary<string, SourceStats> Sources, ResponseMeta Meta);
}
