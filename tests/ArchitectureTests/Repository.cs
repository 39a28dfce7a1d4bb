namespace Kasparro.ArchitectureTests;

/// <summary>The repository the tests run from, for rules about its files.</summary>
internal static class Repository
{
    /// <summary>The directory holding Kasparro.sln, found above the test binaries.</summary>
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
