using Kasparro.Application.Ingestion.Ports;

namespace Kasparro.Application.Ingestion.RunIngestion;

public sealed class RunIngestionHandler(IEnumerable<IIngestionSource> sources, IngestionSettings settings, SourceRunner runner)
    : IRequestHandler<RunIngestionCommand, RunIngestionResult>
{
    public async Task<RunIngestionResult> Handle(RunIngestionCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var byName = sources.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var selected = request.Sources.Count > 0
            ? request.Sources
            : settings.EnabledSources.Where(byName.ContainsKey).ToList();

        // Sources run one after another: they share the database, and a run's batches already overlap reading with writing.
        var results = new List<SourceRunResult>(selected.Count);
        foreach (var name in selected)
        {
            results.Add(await runner.RunAsync(byName[name], request, cancellationToken));
        }

        return new RunIngestionResult(results);
    }
}
