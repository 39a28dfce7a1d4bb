namespace Kasparro.ArchitectureTests;

/// <summary>The repository these tests were built from: the folder above them that holds <c>Kasparro.sln</c>.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Kasparro.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Kasparro.sln not found above the tests");
    }
}
