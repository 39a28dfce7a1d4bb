namespace Kasparro.Domain.Ingestion;

public enum RunStatus
{
    Running,
    Succeeded,
    Partial,
    Failed,
}

public enum RunTrigger
{
    Startup,
    Schedule,
    Manual,
    Cli,
}

public static class RunText
{
    public static string ToText(this RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Succeeded => "succeeded",
        RunStatus.Partial => "partial",
        RunStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string ToText(this RunTrigger trigger) => trigger switch
    {
        RunTrigger.Startup => "startup",
        RunTrigger.Schedule => "schedule",
        RunTrigger.Manual => "manual",
        RunTrigger.Cli => "cli",
        _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger, null),
    };

    public static RunStatus ParseStatus(string text) => text switch
    {
        "running" => RunStatus.Running,
        "succeeded" => RunStatus.Succeeded,
        "partial" => RunStatus.Partial,
        "failed" => RunStatus.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, "unknown run status"),
    };

    public static RunTrigger ParseTrigger(string text) => text switch
    {
        "startup" => RunTrigger.Startup,
        "schedule" => RunTrigger.Schedule,
        "manual" => RunTrigger.Manual,
        "cli" => RunTrigger.Cli,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, "unknown run trigger"),
    };
}
