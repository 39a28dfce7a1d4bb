using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Spectre.Console;

namespace Kasparro.WebApi.Cli;

/// <summary>Draws the ingest progress on a terminal: one line per source with its running counts (sources run at once).</summary>
public sealed class ConsoleProgress : IIngestionProgress
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
    private ProgressContext? _context;

    public void Attach(ProgressContext context) => _context = context;

    public void BatchCommitted(string source, Guid runId, RunCounts total)
    {
        lock (_gate)
        {
            if (_context is null)
            {
                return;
            }

            if (!_tasks.TryGetValue(source, out var task))
            {
                _tasks[source] = task = _context.AddTask(source);
                task.IsIndeterminate = true;
            }

            task.Description = $"{source}: read {total.Read:N0}, loaded {total.Loaded:N0}, skipped {total.Skipped:N0}, rejected {total.Rejected:N0}";
            _context.Refresh();
        }
    }
}
