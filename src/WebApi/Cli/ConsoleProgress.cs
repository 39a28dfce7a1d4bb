using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Spectre.Console;

namespace Kasparro.WebApi.Cli;

/// <summary>
/// Draws the ingest progress on a terminal: one line per source (sources run at once), each a
/// <see cref="SourceProgressLine"/>. Sources report their reading often (every block of a file), so those reports only
/// change the line and the progress display redraws on its own clock; a committed batch redraws at once.
/// </summary>
public sealed class ConsoleProgress : IIngestionProgress
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SourceProgressLine> _lines = new(StringComparer.Ordinal);
    private Func<string, ProgressTask>? _addTask;
    private Action _refresh = static () => { };

    public void Attach(ProgressContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Attach(description => context.AddTask(description), context.Refresh);
    }

    /// <summary>Draws on the tasks <paramref name="addTask"/> makes (a progress display's, or a test's).</summary>
    public void Attach(Func<string, ProgressTask> addTask, Action refresh)
    {
        lock (_gate)
        {
            _addTask = addTask;
            _refresh = refresh;
        }
    }

    public void BatchCommitted(string source, Guid runId, RunCounts total)
    {
        if (Update(source, line => line.Counts = total))
        {
            _refresh();
        }
    }

    public void Advanced(string source, Guid runId, long done, long? total, ProgressUnit unit) =>
        Update(source, line => line.Read = new ReadAmount(done, total, unit));

    private bool Update(string source, Action<SourceProgressLine> change)
    {
        lock (_gate)
        {
            if (_addTask is null)
            {
                return false;
            }

            if (!_lines.TryGetValue(source, out var line))
            {
                _lines[source] = line = new SourceProgressLine(source, _addTask(source));
            }

            change(line);
            line.Draw();
            return true;
        }
    }
}
