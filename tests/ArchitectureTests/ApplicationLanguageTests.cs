using System.Text.RegularExpressions;

namespace Kasparro.ArchitectureTests;

/// <summary>
/// Application says what happens in the domain's words; how the database does it (its product, its statements, its
/// transactions and their locks) is Infrastructure's alone. The dependency rules keep the data-access libraries out of
/// Application's types; this keeps their concepts out of its names and its comments. The source run lock is a domain
/// concept (one run per source) and stays allowed.
/// </summary>
public sealed partial class ApplicationLanguageTests
{
    /// <summary>Words of the database's own language, each with why it belongs to Infrastructure.</summary>
    private static readonly (string Word, Regex Pattern)[] DatabaseWords =
    [
        ("PostgreSQL / Postgres", Word(@"postgres\w*", RegexOptions.IgnoreCase)),
        ("Npgsql", Word(@"npgsql\w*", RegexOptions.IgnoreCase)),
        ("SQL", Word("sql", RegexOptions.IgnoreCase)),
        ("COPY", Word("COPY", RegexOptions.None)),
        ("WAL", Word("WAL", RegexOptions.None)),
        ("synchronous_commit", Word("synchronous_commit", RegexOptions.IgnoreCase)),
        ("transaction", Word(@"transactions?", RegexOptions.IgnoreCase)),
        ("connection", Word(@"connections?", RegexOptions.IgnoreCase)),
        ("deadlock", Word(@"deadlocks?", RegexOptions.IgnoreCase)),
        ("lock order", Word(@"lock\s+order", RegexOptions.IgnoreCase)),
        ("advisory lock", Word(@"advisory", RegexOptions.IgnoreCase)),
        ("savepoint", Word(@"savepoints?", RegexOptions.IgnoreCase)),
        ("upsert", Word(@"upsert\w*", RegexOptions.IgnoreCase)),
        ("jsonb", Word("jsonb", RegexOptions.IgnoreCase)),
    ];

    [Fact]
    public void ApplicationSource_SpeaksNoDatabaseLanguage()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src", "Application"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(path))
            .ToList();

        sources.Count.ShouldBeGreaterThan(50, "the scan reads Application's source files");
        var found = sources
            .SelectMany(path => File.ReadLines(path).Select((line, at) => (path, line, at)))
            .SelectMany(x => DatabaseWords.Where(w => w.Pattern.IsMatch(x.line))
                .Select(w => $"{Path.GetRelativePath(Repository.Root, x.path)}:{x.at + 1}: {w.Word}: {x.line.Trim()}"))
            .ToList();

        found.ShouldBeEmpty("Application speaks the domain's language; say what happens, and leave how the database does it to Infrastructure");
    }

    [Fact]
    public void ApplicationTypeNames_SpeakNoDatabaseLanguage()
    {
        var types = Layers.Application.GetTypes().Where(t => t.Namespace?.StartsWith("Kasparro.Application", StringComparison.Ordinal) == true).ToList();

        types.ShouldNotBeEmpty();
        var found = types
            .SelectMany(t => DatabaseWords.Where(w => w.Pattern.IsMatch(Words(t.Name))).Select(w => $"{t.FullName}: {w.Word}"))
            .ToList();

        found.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/// <summary>Commits the batch's transaction.</summary>", "transaction")]
    [InlineData("// The landing's COPY runs first.", "COPY")]
    [InlineData("// Infrastructure implements it on PostgreSQL.", "PostgreSQL / Postgres")]
    [InlineData("// Batches take their locks in one lock order.", "lock order")]
    [InlineData("// Two batches could deadlock.", "deadlock")]
    [InlineData("// A pooled connection of its own.", "connection")]
    [InlineData("// Where the WAL is flushed.", "WAL")]
    public void DatabaseWords_AreFoundInALine(string line, string word) =>
        DatabaseWords.Where(w => w.Pattern.IsMatch(line)).Select(w => w.Word).ShouldContain(word);

    [Theory]
    [InlineData("// Takes the source's run lock; one run per source at a time.")]
    [InlineData("// Copy the record verbatim, then copy its checkpoint.")]
    [InlineData("// A wallet's balance, a walk through the listing.")]
    [InlineData("// The checkpoint is committed with its batch.")]
    public void DomainWords_AreNotMistakenForDatabaseWords(string line) =>
        DatabaseWords.Where(w => w.Pattern.IsMatch(line)).ShouldBeEmpty();

    private static bool IsBuildOutput(string path)
    {
        var parts = path.Split(Path.DirectorySeparatorChar);
        return parts.Contains("bin") || parts.Contains("obj");
    }

    /// <summary>A type name split into words: "PostgresBatchStore" reads "Postgres Batch Store".</summary>
    private static string Words(string typeName) => WordStart().Replace(typeName.Split('`')[0], " $1");

    private static Regex Word(string pattern, RegexOptions options) => new($@"(?<!\w){pattern}(?!\w)", options | RegexOptions.CultureInvariant);

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex WordStart();
}
