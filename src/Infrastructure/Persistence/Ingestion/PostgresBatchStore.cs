using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Microsoft.Extensions.Logging;

namespace Kasparro.Infrastructure.Persistence.Ingestion;

/// <summary><see cref="IBatchStore"/> on PostgreSQL: each run's batches go through a <see cref="BatchPipeline"/>.</summary>
public sealed class PostgresBatchStore(PostgresDatabase database, TimeProvider time, ILogger<PostgresBatchStore> logger) : IBatchStore
{
    public IBatchSink Open(string source, Guid runId, Action<RunCounts> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        _ = RawLanding.TableOf(source); // a source without a raw table is refused before anything is written
        return new BatchPipeline(new PostgresBatchSteps(database, source, runId, time, logger), stored);
    }
}
