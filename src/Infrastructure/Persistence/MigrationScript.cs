using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>One versioned schema script, embedded in this assembly as <c>Persistence/Migrations/NNNN_name.sql</c>.</summary>
public sealed partial record MigrationScript(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 (lower-case hex) of the script with line endings normalized to LF, so a CRLF checkout matches.</summary>
    public string Checksum { get; } = ChecksumOf(Sql);

    /// <summary>How logs and results name the script: <c>0001_initial</c>.</summary>
    public string Label => $"{Version.ToString("D4", CultureInfo.InvariantCulture)}_{Name}";

    /// <summary>The manifest resource name, which is also the name DbUp gives the script.</summary>
    internal string ResourceName { get; init; } = string.Empty;

    internal static string ChecksumOf(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));

    /// <summary>Whether an embedded resource is a migration script (the one filter both this catalog and DbUp use).</summary>
    internal static bool IsMigration(string resourceName) => ResourceNamePattern().IsMatch(resourceName);

    /// <summary>The version a migration's resource name carries.</summary>
    internal static int VersionOf(string resourceName) =>
        int.Parse(ResourceNamePattern().Match(resourceName).Groups["version"].Value, CultureInfo.InvariantCulture);

    /// <summary>The scripts embedded in <paramref name="assembly"/>, in version order; two scripts sharing a version are refused.</summary>
    internal static List<MigrationScript> LoadEmbedded(Assembly assembly)
    {
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(IsMigration))
        {
            var match = ResourceNamePattern().Match(resource);
            scripts.Add(new MigrationScript(VersionOf(resource), match.Groups["name"].Value, ReadResource(assembly, resource)) { ResourceName = resource });
        }

        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migration scripts share version {duplicate.Key}: {string.Join(", ", duplicate.Select(s => s.Name))}");
        }

        return [.. scripts.OrderBy(s => s.Version)];
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration {resource} cannot be read");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\.Migrations\.(?<version>\d+)_(?<name>[A-Za-z0-9_]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceNamePattern();
}
