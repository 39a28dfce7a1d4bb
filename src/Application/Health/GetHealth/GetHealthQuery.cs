using Kasparro.Application.Health.Ports;

namespace Kasparro.Application.Health.GetHealth;

/// <summary>Is the database reachable, and how fresh is each source? Served at <c>/health</c>.</summary>
public sealed record GetHealthQuery : IRequest<HealthReport>;

public sealed record HealthReport(bool DatabaseUp, RunSummary? LastEtlRun, IReadOnlyDictionary<string, SourceHealth> Sources);

public sealed record RunSummary(
    Guid Id, string Source, string Trigger, string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    long? DurationMs, long Read, long Loaded, long Skipped, long Rejected, string? Error);

/// <summary>A source's last run, its last success, and seconds since that success (null when it never succeeded).</summary>
public sealed record SourceHealth(RunSummary? LastRun, DateTimeOffset? LastSuccessAt, long? FreshnessSeconds);

public sealed class GetHealthHandler(IHealthReader reader, TimeProvider time) : IRequestHandler<GetHealthQuery, HealthReport>
{
    public async Task<HealthReport> Handle(GetHealthQuery request, CancellationToken cancellationToken)
    {
        var snapshot = await reader.ReadAsync(cancellationToken);
        if (snapshot is null)
        {
            return new HealthReport(false, null, new Dictionary<string, SourceHealth>());
        }

        var now = time.GetUtcNow();
        var sources = snapshot.Sources.ToDictionary(
            s => s.Source,
            s => new SourceHealth(
                s.LastRun,
                s.LastSuccessAt,
                s.LastSuccessAt is { } success ? (long)Math.Max(0, (now - success).TotalSeconds) : null),
            StringComparer.Ordinal);
        return new HealthReport(true, snapshot.LastRun, sources);
    }
}
