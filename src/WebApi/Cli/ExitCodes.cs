namespace Kasparro.WebApi.Cli;

public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>
    /// A source failed, ended partial, or was busy; or the command could not finish (the database unreachable, an
    /// interruption, an unexpected error).
    /// </summary>
    public const int Failure = 1;

    /// <summary>Bad usage or configuration.</summary>
    public const int Usage = 2;
}
