using System.Reflection;
using NetArchTest.Rules;

namespace Kasparro.ArchitectureTests;

/// <summary>The solution's assemblies, and how a layer rule is asserted.</summary>
internal static class Layers
{
    public static readonly Assembly Domain = typeof(Kasparro.Domain.Assets.Asset).Assembly;
    public static readonly Assembly Application = typeof(Kasparro.Application.DependencyInjection).Assembly;
    public static readonly Assembly Infrastructure = typeof(Kasparro.Infrastructure.DependencyInjection).Assembly;
    public static readonly Assembly WebApi = typeof(Kasparro.WebApi.Cli.ServeVerb).Assembly;

    /// <summary>
    /// The types of <paramref name="assembly"/> under its own root namespace (<c>Kasparro.Domain</c>, ...): ours, not
    /// the attributes and helpers the compiler adds to every assembly.
    /// </summary>
    public static PredicateList TypesOf(Assembly assembly, string? @namespace = null) =>
        Types.InAssembly(assembly).That().ResideInNamespaceStartingWith(@namespace ?? assembly.GetName().Name!);

    /// <summary>
    /// Asserts <paramref name="rule"/> on every type of <paramref name="selection"/>, naming the types that break it.
    /// An empty selection fails: a rule over no type would pass whatever the code does.
    /// </summary>
    public static void ShouldHold(this PredicateList selection, Func<Conditions, ConditionList> rule)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(rule);
        selection.GetTypes().ShouldNotBeEmpty("the rule selects no type, so it would pass on nothing");

        var result = rule(selection.Should()).GetResult();

        result.IsSuccessful.ShouldBeTrue($"types breaking the rule: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}
