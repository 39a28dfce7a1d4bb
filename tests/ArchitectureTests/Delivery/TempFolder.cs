namespace Kasparro.ArchitectureTests.Delivery;

/// <summary>A throwaway folder for files a test hands to a checker; removed on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("kasparro-delivery-").FullName;

    /// <summary>Writes <paramref name="name"/> (subfolders created) and returns its full path.</summary>
    public string Write(string name, string text)
    {
        var path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
