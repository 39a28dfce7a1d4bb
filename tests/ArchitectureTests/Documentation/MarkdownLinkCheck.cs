using Markdig;
using Markdig.Extensions.AutoIdentifiers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Kasparro.ArchitectureTests.Documentation;

/// <summary>
/// The relative links of a folder's Markdown files, read as GitHub renders them (Markdig, with GitHub's heading
/// anchors: lower case, spaces to '-', punctuation dropped, '-1', '-2' for repeats), and the ones that lead nowhere:
/// a file or folder that does not exist, a place outside the folder, or a <c>#section</c> no heading of the target
/// produces. Links with a scheme (<c>https:</c>, <c>mailto:</c>) are not followed; links in code are not links.
/// </summary>
internal sealed class MarkdownLinkCheck(string root)
{
    /// <summary>Folders whose Markdown is not the repository's own: build output, packages, local data.</summary>
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { "bin", "obj", "node_modules", ".data", ".git" };

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseAutoIdentifiers(AutoIdentifierOptions.GitHub)
        .Build();

    private readonly string root = Path.GetFullPath(root);
    private readonly Dictionary<string, MarkdownDocument> parsed = new(StringComparer.Ordinal);

    /// <summary>Every Markdown file under the folder, as paths relative to it with '/' separators.</summary>
    public IReadOnlyList<string> MarkdownFiles() =>
        [.. Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(root, file))
            .Where(relative => !relative.Split(Path.DirectorySeparatorChar).SkipLast(1).Any(SkippedFolders.Contains))
            .Select(relative => relative.Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];

    /// <summary>The relative links of every Markdown file, and a line for each one that leads nowhere.</summary>
    public (int Checked, IReadOnlyList<string> Broken) Run()
    {
        var total = 0;
        var broken = new List<string>();
        foreach (var file in MarkdownFiles())
        {
            foreach (var link in Document(Path.Combine(root, file)).Descendants<LinkInline>())
            {
                if (link.Url is not { Length: > 0 } url || HasScheme(url))
                {
                    continue;
                }

                total++;
                if (Problem(file, url) is { } problem)
                {
                    broken.Add($"{file}:{link.Line + 1}: ({url}) {problem}");
                }
            }
        }

        return (total, broken);
    }

    /// <summary>The anchors GitHub gives the headings of a Markdown file.</summary>
    public IReadOnlySet<string> Anchors(string file) =>
        Document(file).Descendants<HeadingBlock>()
            .Select(heading => heading.GetAttributes().Id)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

    private string? Problem(string from, string url)
    {
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        var path = Uri.UnescapeDataString(hash < 0 ? url : url[..hash]);
        var anchor = hash < 0 ? null : Uri.UnescapeDataString(url[(hash + 1)..]);

        var directory = Path.GetDirectoryName(Path.Combine(root, from))!;
        var target = path.Length == 0 ? Path.Combine(root, from)
            : path.StartsWith('/') ? Path.GetFullPath(Path.Combine(root, path.TrimStart('/')))
            : Path.GetFullPath(Path.Combine(directory, path));

        if (target != root && !target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return "points outside the repository";
        }

        if (!File.Exists(target) && !Directory.Exists(target))
        {
            return "names a file that does not exist";
        }

        // GitHub's line anchors of other files (#L10) are not headings; only Markdown anchors are checked.
        if (string.IsNullOrEmpty(anchor) || !target.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Anchors(target).Contains(anchor) ? null : $"names a section no heading of {Path.GetRelativePath(root, target)} produces";
    }

    private MarkdownDocument Document(string file)
    {
        if (!parsed.TryGetValue(file, out var document))
        {
            document = Markdown.Parse(File.ReadAllText(file), Pipeline);
            parsed[file] = document;
        }

        return document;
    }

    private static bool HasScheme(string url) =>
        url.StartsWith("//", StringComparison.Ordinal)
        || (url.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon && url[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'));
}
