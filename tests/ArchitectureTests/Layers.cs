using System.Reflection;
using Mono.Cecil;

namespace Kasparro.ArchitectureTests;

/// <summary>The solution's assemblies and the type references their IL makes.</summary>
internal static class Layers
{
    public static readonly Assembly Domain = typeof(Kasparro.Domain.Assets.Asset).Assembly;
    public static readonly Assembly Application = typeof(Kasparro.Application.DependencyInjection).Assembly;
    public static readonly Assembly Infrastructure = typeof(Kasparro.Infrastructure.DependencyInjection).Assembly;
    public static readonly Assembly WebApi = typeof(Kasparro.WebApi.Hosting.ServeVerb).Assembly;

    public static readonly string[] DataAccessPrefixes = ["Npgsql", "Microsoft.EntityFrameworkCore", "Dapper", "System.Data"];

    public static IReadOnlyList<string> ReferencedAssemblyNames(Assembly assembly) =>
        [.. assembly.GetReferencedAssemblies().Select(a => a.Name!)];

    /// <summary>
    /// Every (declaring type, referenced type, the referenced type's assembly) in the assembly: base types, interfaces,
    /// fields, signatures, locals and every type a method body touches.
    /// </summary>
    public static IReadOnlyList<(string From, string To, string Assembly)> TypeReferences(Assembly assembly)
    {
        using var module = ModuleDefinition.ReadModule(assembly.Location);
        var pairs = new List<(string, string, string)>();
        foreach (var type in module.GetTypes())
        {
            void Add(TypeReference? reference)
            {
                if (reference is null or GenericParameter)
                {
                    return;
                }

                var element = reference.GetElementType();
                var scope = element.Scope switch
                {
                    AssemblyNameReference name => name.Name,
                    ModuleDefinition own => own.Assembly.Name.Name,
                    var other => other.Name,
                };
                pairs.Add((type.FullName, element.FullName, scope));
                if (reference is GenericInstanceType generic)
                {
                    foreach (var argument in generic.GenericArguments)
                    {
                        Add(argument);
                    }
                }
            }

            Add(type.BaseType);
            foreach (var contract in type.Interfaces)
            {
                Add(contract.InterfaceType);
            }

            foreach (var field in type.Fields)
            {
                Add(field.FieldType);
            }

            foreach (var method in type.Methods)
            {
                Add(method.ReturnType);
                foreach (var parameter in method.Parameters)
                {
                    Add(parameter.ParameterType);
                }

                if (!method.HasBody)
                {
                    continue;
                }

                foreach (var variable in method.Body.Variables)
                {
                    Add(variable.VariableType);
                }

                foreach (var instruction in method.Body.Instructions)
                {
                    switch (instruction.Operand)
                    {
                        case MethodReference called:
                            Add(called.DeclaringType);
                            Add(called.ReturnType);
                            break;
                        case FieldReference field:
                            Add(field.DeclaringType);
                            break;
                        case TypeReference referenced:
                            Add(referenced);
                            break;
                    }
                }
            }
        }

        return pairs;
    }
}
