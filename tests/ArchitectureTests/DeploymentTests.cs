using System.Text.RegularExpressions;

namespace Kasparro.ArchitectureTests;

/// <summary>The two ways the platform runs its PostgreSQL (native and Docker) configure it alike.</summary>
public sealed partial class DeploymentTests
{
    [Fact]
    public void PostgresSettings_AreTheSameNativelyAndInDocker()
    {
        var lib = File.ReadAllText(Path.Combine(Repository.Root, "scripts", "lib.sh"));
        var compose = File.ReadAllText(Path.Combine(Repository.Root, "docker-compose.yml"));

        var native = NativeSettings().Match(lib);
        native.Success.ShouldBeTrue("scripts/lib.sh declares PG_SERVER_SETTINGS=(...)");
        var nativeSettings = native.Groups["list"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var docker = DockerCommand().Match(compose);
        docker.Success.ShouldBeTrue("docker-compose.yml gives the db service a command: [\"postgres\", ...]");
        var words = QuotedWord().Matches(docker.Groups["list"].Value).Select(m => m.Groups["word"].Value).ToList();
        var dockerSettings = words.Where((_, i) => i > 0 && words[i - 1] == "-c").ToList();

        nativeSettings.ShouldNotBeEmpty();
        dockerSettings.ShouldBe(nativeSettings);
    }

    [GeneratedRegex(@"^PG_SERVER_SETTINGS=\((?<list>[^)]*)\)", RegexOptions.Multiline)]
    private static partial Regex NativeSettings();

    [GeneratedRegex(@"^\s+command:\s*\[\s*""postgres""(?<list>[^\]]*)\]", RegexOptions.Multiline)]
    private static partial Regex DockerCommand();

    [GeneratedRegex(@"""(?<word>[^""]*)""")]
    private static partial Regex QuotedWord();
}
