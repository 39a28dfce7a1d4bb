namespace Kasparro.ArchitectureTests;

public sealed class LayerDependencyTests
{
    /// <summary>Application ports that reach data; the host's only own port is the progress sink it implements.</summary>
    private static readonly string[] DataPorts =
    [
        "Kasparro.Application.Ingestion.Ports.IIngestionStore",
        "Kasparro.Application.Ingestion.Ports.IIngestionBatch",
        "Kasparro.Application.Ingestion.Ports.IIngestionSource",
        "Kasparro.Application.Ingestion.Ports.ISourceRunLock",
        "Kasparro.Application.Health.GetHealth.IHealthReader",
        "Kasparro.Application.Database.Migrate.ISchemaMigrator",
    ];

    private static readonly string[] Frameworks = ["Microsoft.EntityFrameworkCore", "Npgsql", "Microsoft.AspNetCore", "CsvHelper", "Polly"];

    [Fact]
    public void Domain_ReferencesNothingOfOursAndNoFramework()
    {
        var references = Layers.ReferencedAssemblyNames(Layers.Domain);

        references.ShouldNotBeEmpty();
        references.ShouldAllBe(name => name == "System.Runtime" || name.StartsWith("System.", StringComparison.Ordinal) || name == "netstandard");
    }

    [Fact]
    public void Domain_IlReferencesNoTypeOutsideTheBaseLibrary()
    {
        var references = Layers.TypeReferences(Layers.Domain);
        var foreign = references
            .Where(p => p.Assembly != "Kasparro.Domain" && p.Assembly != "netstandard" && !p.Assembly.StartsWith("System", StringComparison.Ordinal))
            .Select(p => $"{p.From} -> {p.To} ({p.Assembly})")
            .Distinct()
            .ToList();

        references.ShouldContain(p => p.Assembly == "System.Runtime");
        foreign.ShouldBeEmpty();
    }

    [Fact]
    public void Application_ReferencesOnlyTheDomainOfOurs()
    {
        var ours = Layers.ReferencedAssemblyNames(Layers.Application).Where(n => n.StartsWith("Kasparro", StringComparison.Ordinal)).ToList();

        ours.ShouldBe(["Kasparro.Domain"]);
    }

    [Fact]
    public void Application_ReferencesNoDataAccessOrWebFramework()
    {
        var references = Layers.ReferencedAssemblyNames(Layers.Application);

        references.ShouldNotBeEmpty();
        references.ShouldAllBe(name => !Frameworks.Any(f => name.StartsWith(f, StringComparison.Ordinal)));
    }

    [Fact]
    public void Infrastructure_DoesNotReferenceTheHost()
    {
        var references = Layers.ReferencedAssemblyNames(Layers.Infrastructure);

        references.ShouldContain("Kasparro.Application");
        references.ShouldNotContain("Kasparro.WebApi");
    }

    [Fact]
    public void WebApi_ReachesDataOnlyThroughMediatorRequests()
    {
        // The host may call the infrastructure's registration, nothing else of it, and no data-access library at all.
        var pairs = Layers.TypeReferences(Layers.WebApi);
        var violations = pairs
            .Where(p => (p.To.StartsWith("Kasparro.Infrastructure", StringComparison.Ordinal) && p.To != "Kasparro.Infrastructure.DependencyInjection")
                        || Layers.DataAccessPrefixes.Any(prefix => p.To.StartsWith(prefix, StringComparison.Ordinal))
                        || DataPorts.Contains(p.To))
            .Select(p => $"{p.From} -> {p.To}")
            .Distinct()
            .ToList();

        pairs.ShouldContain(p => p.To == "MediatR.IMediator");
        violations.ShouldBeEmpty();
    }

    [Fact]
    public void Endpoints_UseTheMediatorAndNoApplicationPort()
    {
        var endpointPairs = Layers.TypeReferences(Layers.WebApi)
            .Where(p => p.From.StartsWith("Kasparro.WebApi.Endpoints", StringComparison.Ordinal))
            .ToList();

        endpointPairs.ShouldContain(p => p.To == "MediatR.IMediator");
        endpointPairs.ShouldNotContain(p => p.To.Contains(".Ports.", StringComparison.Ordinal) || p.To.EndsWith("Reader", StringComparison.Ordinal));
    }
}
