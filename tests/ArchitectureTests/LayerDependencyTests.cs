namespace Kasparro.ArchitectureTests;

public sealed class LayerDependencyTests
{
    /// <summary>
    /// The packages Application may use besides the domain and the base library, by namespace: the mediator, request
    /// validation (and its registration), query specifications, mappings, and the DI and logging abstractions.
    /// </summary>
    private static readonly string[] ApplicationPackages =
    [
        "MediatR", "FluentValidation", "Ardalis.Specification", "Mapster",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Logging",
    ];

    /// <summary>
    /// What every layer may use: the base library, and the helper type the compiler adds to an assembly (string switch
    /// hashes, array data). That type lives in the global namespace, which NetArchTest reads as an empty first segment.
    /// </summary>
    private static readonly string[] BaseLibrary = ["System", ".<PrivateImplementationDetails>"];

    /// <summary>PostgreSQL and data access: Application never mentions them, and the host reaches data only by requests.</summary>
    private static readonly string[] DataAccess = ["Npgsql", "Microsoft.EntityFrameworkCore", "System.Data", "Dapper"];

    /// <summary>The web: what Application's own language never mentions either.</summary>
    private static readonly string[] Web = ["Microsoft.AspNetCore", "System.Net.Http"];

    /// <summary>Application ports that reach data; the host's only own port is the progress sink it implements.</summary>
    private static readonly string[] DataPorts =
    [
        "Kasparro.Application.Ingestion.Ports.IIngestionStore",
        "Kasparro.Application.Ingestion.Ports.IBatchStore",
        "Kasparro.Application.Ingestion.Ports.IBatchSink",
        "Kasparro.Application.Ingestion.Ports.IIdentityStore",
        "Kasparro.Application.Ingestion.Ports.IIngestionSource",
        "Kasparro.Application.Ingestion.Ports.ISourceRunLock",
        "Kasparro.Application.Health.GetHealth.IHealthReader",
        "Kasparro.Application.Database.Migrate.ISchemaMigrator",
    ];

    [Fact]
    public void Domain_DependsOnNothingButItselfAndTheBaseLibrary() =>
        Layers.TypesOf(Layers.Domain).ShouldHold(type => type.OnlyHaveDependenciesOn(["Kasparro.Domain", .. BaseLibrary]));

    [Fact]
    public void Application_DependsOnlyOnTheDomainAndItsAllowedPackages() =>
        Layers.TypesOf(Layers.Application).ShouldHold(type => type.OnlyHaveDependenciesOn(
            ["Kasparro.Application", "Kasparro.Domain", .. BaseLibrary, .. ApplicationPackages]));

    [Fact]
    public void Application_DependsOnNoDataAccessNorWebFramework() =>
        Layers.TypesOf(Layers.Application).ShouldHold(type => type.NotHaveDependencyOnAny([.. DataAccess, .. Web]));

    [Fact]
    public void Infrastructure_DoesNotDependOnTheHost() =>
        Layers.TypesOf(Layers.Infrastructure).ShouldHold(type => type.NotHaveDependencyOn("Kasparro.WebApi"));

    [Fact]
    public void WebApi_ReachesDataOnlyThroughMediatorRequests()
    {
        // The host may call the infrastructure's registration, nothing else of it, and no data-access library at all.
        var registration = typeof(Kasparro.Infrastructure.DependencyInjection).FullName!;
        var infrastructure = Layers.Infrastructure.GetExportedTypes()
            .Select(t => t.Namespace == "Kasparro.Infrastructure" ? t.FullName! : t.Namespace!)
            .Where(name => name != registration)
            .Distinct();

        Layers.TypesOf(Layers.WebApi).And().HaveDependencyOn("MediatR.IMediator").GetTypes().ShouldNotBeEmpty();
        Layers.TypesOf(Layers.WebApi).ShouldHold(type => type.NotHaveDependencyOnAny([.. infrastructure, .. DataAccess, .. DataPorts]));
    }

    [Fact]
    public void Endpoints_UseNoApplicationPortNorReader()
    {
        var portsAndReaders = Layers.Application.GetExportedTypes()
            .Where(t => t.Namespace!.EndsWith(".Ports", StringComparison.Ordinal) || (t.IsInterface && t.Name.EndsWith("Reader", StringComparison.Ordinal)))
            .Select(t => t.FullName!)
            .ToArray();

        portsAndReaders.ShouldNotBeEmpty();
        Layers.TypesOf(Layers.WebApi, "Kasparro.WebApi.Endpoints").ShouldHold(type => type.NotHaveDependencyOnAny([.. portsAndReaders, .. DataPorts]));
    }
}
