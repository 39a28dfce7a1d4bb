namespace Kasparro.IntegrationTests.Fixtures;

internal static class Repository
{
    /// <summary>The folder holding Kasparro.sln, above the test assembly.</summary>
    public static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Kasparro.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("Kasparro.sln not found above the tests");
        }
    }
}
