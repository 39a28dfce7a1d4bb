using System.Reflection;
using FluentValidation;

namespace Kasparro.ArchitectureTests;

public sealed class ConventionTests
{
    private static readonly Type[] ApplicationTypes = Layers.Application.GetTypes();

    private static IEnumerable<Type> Implementing(Type openGeneric) =>
        ApplicationTypes.Where(t => t is { IsClass: true, IsAbstract: false }
                                    && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == openGeneric));

    [Fact]
    public void Handlers_EndInHandler() =>
        Layers.TypesOf(Layers.Application).And().ImplementInterface(typeof(IRequestHandler<,>))
            .ShouldHold(type => type.HaveNameEndingWith("Handler", StringComparison.Ordinal));

    [Fact]
    public void Requests_AreNamedCommandOrQuery() =>
        Layers.TypesOf(Layers.Application).And().ImplementInterface(typeof(IRequest<>))
            .ShouldHold(type => type.HaveNameEndingWith("Command", StringComparison.Ordinal).Or().HaveNameEndingWith("Query", StringComparison.Ordinal));

    [Fact]
    public void Validators_EndInValidatorAndSitBesideTheirRequest()
    {
        var validators = ApplicationTypes.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IValidator).IsAssignableFrom(t)).ToList();

        validators.ShouldNotBeEmpty();
        foreach (var validator in validators)
        {
            validator.Name.ShouldEndWith("Validator");
            var request = validator.BaseType!.GetGenericArguments().Single();
            validator.Namespace.ShouldBe(request.Namespace, $"{validator.Name} should sit in the use-case folder of {request.Name}");
        }
    }

    [Fact]
    public void Requests_EachHaveExactlyOneHandler()
    {
        var requests = ApplicationTypes
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRequest<>)))
            .ToList();
        var handled = Implementing(typeof(IRequestHandler<,>))
            .SelectMany(h => h.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRequestHandler<,>)))
            .Select(i => i.GetGenericArguments()[0])
            .ToList();

        requests.ShouldNotBeEmpty();
        foreach (var request in requests)
        {
            handled.Count(h => h == request).ShouldBe(1, $"{request.Name} should have exactly one handler");
        }
    }

    [Fact]
    public void DomainTypes_ExposeNoPublicSetters()
    {
        var properties = Layers.Domain.GetTypes()
            .Where(t => t.IsPublic)
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .ToList();
        var mutable = properties
            .Where(p => p.SetMethod is { IsPublic: true } setter
                        && !setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(System.Runtime.CompilerServices.IsExternalInit)))
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}")
            .ToList();

        properties.ShouldNotBeEmpty();
        mutable.ShouldBeEmpty();
    }
}
