using Mono.Cecil;

namespace Kasparro.ArchitectureTests;

/// <summary>
/// The one rule kept on Mono.Cecil because NetArchTest cannot express it: NetArchTest sees which types an endpoint
/// depends on, not what its method bodies do with them. An endpoint needs Application's request and response types,
/// so a dependency rule cannot tell "builds a request, sends it, reads the answer" from "calls Application code";
/// reading the calls in the IL can.
/// </summary>
public sealed class EndpointCallTests
{
    private const string Endpoints = "Kasparro.WebApi.Endpoints.";

    [Fact]
    public void Endpoints_OnlySendMediatorRequests_AndReadTheirAnswers()
    {
        using var module = ModuleDefinition.ReadModule(Layers.WebApi.Location);
        // Nested types too: an endpoint's async state machine and lambdas hold its body.
        var calls = module.GetTypes()
            .Where(t => t.FullName.StartsWith(Endpoints, StringComparison.Ordinal))
            .SelectMany(t => t.Methods.Where(m => m.HasBody).Select(m => (Type: t, Method: m)))
            .SelectMany(c => c.Method.Body.Instructions.Select(i => i.Operand).OfType<MethodReference>().Select(called => (From: $"{c.Type.Name}.{c.Method.Name}", Called: called)))
            .ToList();

        var mediatorCalls = calls.Where(c => c.Called.DeclaringType.Namespace == "MediatR").ToList();
        var applicationCalls = calls.Where(c => OuterNamespace(c.Called.DeclaringType).StartsWith("Kasparro.Application", StringComparison.Ordinal)).ToList();
        var violations = mediatorCalls.Where(c => c.Called.Name != "Send")
            .Concat(applicationCalls.Where(c => !IsRequestConstruction(c.Called) && !c.Called.Name.StartsWith("get_", StringComparison.Ordinal)))
            .Select(c => $"{c.From} calls {c.Called.DeclaringType.Name}.{c.Called.Name}")
            .Distinct()
            .ToList();

        mediatorCalls.ShouldContain(c => c.Called.Name == "Send");
        applicationCalls.ShouldContain(c => IsRequestConstruction(c.Called));
        violations.ShouldBeEmpty();
    }

    /// <summary>A request's constructor, or a static factory of the request type that returns it (its <c>Parse</c>).</summary>
    private static bool IsRequestConstruction(MethodReference called) =>
        (called.Name == ".ctor" || (!called.HasThis && called.ReturnType.FullName == called.DeclaringType.FullName))
        && Layers.Application.GetType(called.DeclaringType.GetElementType().FullName.Replace('/', '+')) is { } type
        && typeof(IBaseRequest).IsAssignableFrom(type);

    private static string OuterNamespace(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type.Namespace;
    }
}
