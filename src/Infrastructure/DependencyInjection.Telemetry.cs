using Kasparro.Infrastructure.Persistence.Changes;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Kasparro.Infrastructure;

/// <summary>
/// The infrastructure's part of the host's OpenTelemetry: Npgsql's metrics (pools known by their data source's name,
/// never by connection string), the data change listener's series, and Npgsql's command spans (the SQL text;
/// parameter values are not recorded).
/// </summary>
public static partial class DependencyInjection
{
    public static MeterProviderBuilder AddInfrastructureInstrumentation(this MeterProviderBuilder metrics) =>
        metrics.AddNpgsqlInstrumentation().AddMeter(DataChangeInstruments.MeterName);

    public static TracerProviderBuilder AddInfrastructureInstrumentation(this TracerProviderBuilder tracing) => tracing.AddNpgsql();
}
