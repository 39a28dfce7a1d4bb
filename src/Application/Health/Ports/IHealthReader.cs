using Kasparro.Application.Health.GetHealth;

namespace Kasparro.Application.Health.Ports;

/// <summary>Reads what health needs in one short round trip; <c>null</c> when the database cannot be reached.</summary>
public interface IHealthReader
{
    Task<HealthSnapshot?> ReadAsync(CancellationToken cancellationToken);
}

public sealed record HealthSnapshot(RunSummary? LastRun, IReadOnlyList<SourceSnapshot> Sources);

public sealed record SourceSnapshot(string Source, RunSummary? LastRun, DateTimeOffset? LastSuccessAt);
