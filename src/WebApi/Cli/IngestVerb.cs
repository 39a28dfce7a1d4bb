using System.Text.Json;
using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.Domain.Ingestion;
using Kasparro.WebApi.Hosting;
using Spectre.Console;

namespace Kasparro.WebApi.Cli;

/// <summary><c>ingest</c>: one run per selected source; the last stdout lines are one JSON summary per source.</summary>
public static class IngestVerb
{
    public static async Task<int> RunAsync(IngestRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.AddKasparro(logsToStandardError: true);
        var interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        var progress = new ConsoleProgress();
        if (interactive)
        {
            builder.Services.AddSingleton<IIngestionProgress>(progress);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }

        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var command = new RunIngestionCommand(
            request.Source is null ? [] : [request.Source], RunTrigger.Cli, request.CsvPath, request.FailAfter);

        RunIngestionResult result;
        try
        {
            result = interactive
                ? await AnsiConsole.Progress()
                    .Columns(
                        new SpinnerColumn(),
                        new TaskDescriptionColumn { Alignment = Justify.Left, Wrap = true },
                        new ProgressBarColumn { Width = 20 },
                        new ElapsedTimeColumn())
                    .StartAsync(async context =>
                    {
                        progress.Attach(context);
                        return await mediator.Send(command, cancellationToken);
                    })
                : await mediator.Send(command, cancellationToken);
        }
        catch (RequestValidationException ex)
        {
            foreach (var (field, messages) in ex.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {field}: {string.Join("; ", messages)}");
            }

            return ExitCodes.Usage;
        }

        foreach (var run in result.Runs)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(Summary(run)));
        }

        if (!result.AllSucceeded)
        {
            // Interrupted, the runs stopped at a batch boundary and their summaries say so; the command adds its one line.
            cancellationToken.ThrowIfCancellationRequested();
        }

        return result.AllSucceeded ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static Dictionary<string, object?> Summary(SourceRunResult run)
    {
        var summary = new Dictionary<string, object?>
        {
            ["source"] = run.Source,
            ["run_id"] = run.RunId,
            ["status"] = run.Status,
            ["read"] = run.Counts.Read,
            ["loaded"] = run.Counts.Loaded,
            ["skipped"] = run.Counts.Skipped,
            ["rejected"] = run.Counts.Rejected,
            ["duration_ms"] = run.DurationMs,
        };
        if (run.Error is not null)
        {
            summary["error"] = run.Error;
        }

        return summary;
    }
}
