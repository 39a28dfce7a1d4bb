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

    /// <summary>Application's ports: the interfaces in a feature's <c>Ports</c> namespace.</summary>
    private static readonly Type[] Ports = [.. Layers.Application.GetExportedTypes().Where(t => t.IsInterface && IsInPorts(t))];

    /// <summary>The Application interfaces that a type of another layer implements.</summary>
    private static readonly Type[] ImplementedElsewhere =
    [
        .. Layers.Infrastructure.GetTypes().Concat(Layers.WebApi.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.Assembly == Layers.Application)
            .Select(i => i.IsGenericType ? i.GetGenericTypeDefinition() : i)
            .Distinct(),
    ];

    /// <summary>The ports that reach data or a source: all but those the host implements itself (background runs, progress).</summary>
    private static readonly string[] DataPorts =
    [
        .. Ports.Where(port => !Layers.WebApi.GetTypes().Any(t => t is { IsClass: true, IsAbstract: false } && port.IsAssignableFrom(t)))
            .Select(port => port.FullName!),
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
    public void Ports_AreTheApplicationInterfacesAnotherLayerImplements()
    {
        Ports.ShouldNotBeEmpty();
        ImplementedElsewhere.ShouldNotBeEmpty();

        ImplementedElsewhere.Where(i => !IsInPorts(i)).Select(i => i.FullName).ShouldBeEmpty(
            "an Application interface that another layer implements is a port: it belongs in its feature's Ports folder");
        Ports.Except(ImplementedElsewhere).Select(p => p.FullName).ShouldBeEmpty("a port no other layer implements is not a port");
    }

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
        DataPorts.ShouldNotBeEmpty();
        Layers.TypesOf(Layers.WebApi).ShouldHold(type => type.NotHaveDependencyOnAny([.. infrastructure, .. DataAccess, .. DataPorts]));
    }

    [Fact]
    public void Endpoints_UseNoApplicationPort()
    {
        var portTypes = Layers.Application.GetExportedTypes().Where(IsInPorts).Select(t => t.FullName!).ToArray();

        portTypes.ShouldNotBeEmpty();
        Layers.TypesOf(Layers.WebApi, "Kasparro.WebApi.Endpoints").ShouldHold(type => type.NotHaveDependencyOnAny(portTypes));
    }

    private static bool IsInPorts(Type type) => type.Namespace?.EndsWith(".Ports", StringComparison.Ordinal) ?? false;
}
