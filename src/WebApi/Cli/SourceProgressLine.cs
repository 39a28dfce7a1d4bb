using System.Globalization;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Ingestion;
using Spectre.Console;

namespace Kasparro.WebApi.Cli;

/// <summary>How far a source has read: <see cref="Done"/> of <see cref="Total"/> (<c>null</c>: not known) in <see cref="Unit"/>.</summary>
public sealed record ReadAmount(long Done, long? Total, ProgressUnit Unit);

/// <summary>
/// One source's line of the progress display: a bar of what it has read when its total is known (else a pulsing bar),
/// and in words that amount and the counts its committed batches reached.
/// </summary>
public sealed class SourceProgressLine(string source, ProgressTask task)
{
    public RunCounts Counts { get; set; } = RunCounts.Zero;

    public ReadAmount? Read { get; set; }

    public void Draw()
    {
        ArgumentNullException.ThrowIfNull(task);
        if (Read is { Total: { } total } read)
        {
            task.IsIndeterminate = false;
            task.MaxValue = Math.Max(total, 1);
            task.Value = Math.Clamp(read.Done, 0, total);
        }
        else
        {
            task.IsIndeterminate = true;
        }

        task.Description = Markup.Escape(Describe());
    }

    /// <summary><c>csv: 12.3 MB of 40.0 MB (31%); read 1,234, loaded 1,200, skipped 0, rejected 34</c>.</summary>
    public string Describe()
    {
        var counts = string.Create(
            CultureInfo.InvariantCulture, $"read {Counts.Read:N0}, loaded {Counts.Loaded:N0}, skipped {Counts.Skipped:N0}, rejected {Counts.Rejected:N0}");
        return Read is null ? $"{source}: {counts}" : $"{source}: {Amount(Read)}; {counts}";
    }

    private static string Amount(ReadAmount read)
    {
        if (read.Total is not { } total)
        {
            return Quantity(read.Done, read.Unit, withUnit: true);
        }

        var done = Math.Clamp(read.Done, 0, total);
        var percent = total == 0 ? 100 : done * 100 / total;
        return string.Create(
            CultureInfo.InvariantCulture, $"{Quantity(done, read.Unit, withUnit: false)} of {Quantity(total, read.Unit, withUnit: true)} ({percent}%)");
    }

    private static string Quantity(long value, ProgressUnit unit, bool withUnit) => unit switch
    {
        ProgressUnit.Bytes => Bytes(value),
        _ => withUnit ? string.Create(CultureInfo.InvariantCulture, $"{value:N0} {(value == 1 ? "page" : "pages")}") : value.ToString("N0", CultureInfo.InvariantCulture),
    };

    /// <summary>Bytes in SI units (<c>512 B</c>, <c>12.3 MB</c>): Spectre.Console's own size formatting is internal to it.</summary>
    private static string Bytes(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        var value = (double)bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
