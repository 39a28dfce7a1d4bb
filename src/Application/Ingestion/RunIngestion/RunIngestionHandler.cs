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

        // Sources run side by side, each under its own lock: an API that is slow or retrying never holds up the CSV load.
        var runs = selected.Select(name => runner.RunAsync(byName[name], request, cancellationToken));
        return new RunIngestionResult(await Task.WhenAll(runs));
    }
}
