using System.Collections.Concurrent;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;

namespace Kasparro.UnitTests.Sources;

/// <summary>Keeps every reading progress a source reports, in order.</summary>
internal sealed class RecordingProgress : IIngestionProgress
{
    private readonly ConcurrentQueue<Report> _reports = new();

    public IReadOnlyList<Report> Reports => [.. _reports];

    public void BatchCommitted(string source, Guid runId, RunCounts total)
    {
    }

    public void Advanced(string source, Guid runId, long done, long? total, ProgressUnit unit) => _reports.Enqueue(new Report(source, runId, done, total, unit));

    internal sealed record Report(string Source, Guid RunId, long Done, long? Total, ProgressUnit Unit);
}
