using Kasparro.Domain.Markets;

namespace Kasparro.Application.Common.Queries;

/// <summary>The <c>source</c> parameter of the read endpoints: one source or a comma list, each a known source.</summary>
public static class SourceFilter
{
    public static IReadOnlyList<string> Parse(string? text, IDictionary<string, List<string>> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var sources = QueryText.SplitList(text).Select(s => s.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        foreach (var unknown in sources.Where(s => !SourceNames.IsKnown(s)))
        {
            errors.AddError("source", $"'{(unknown.Length <= 40 ? unknown : unknown[..40] + "…")}' is not a source; known: {string.Join(", ", SourceNames.All)}");
        }

        return sources;
    }
}

/// <summary>Error collection by parameter name, shared by the query validators and handlers (a validator and its handler parse with the same code).</summary>
public static class ParameterErrors
{
    public static IDictionary<string, List<string>> Create() => new Dictionary<string, List<string>>(StringComparer.Ordinal);

    public static void AddError(this IDictionary<string, List<string>> errors, string name, string message)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!errors.TryGetValue(name, out var list))
        {
            errors[name] = list = [];
        }

        list.Add(message);
    }

    public static void ReportTo<T>(this IDictionary<string, List<string>> errors, FluentValidation.ValidationContext<T> context)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (name, messages) in errors)
        {
            foreach (var message in messages)
            {
                context.AddFailure(name, message);
            }
        }
    }

    public static IReadOnlyDictionary<string, string[]> ToReadOnly(this IDictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
