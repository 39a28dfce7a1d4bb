using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Runs.CompareRuns;

/// <summary>Both <c>a</c> and <c>b</c> are required run ids (UUIDs); each missing or malformed one is named.</summary>
public sealed class CompareRunsQueryValidator : AbstractValidator<CompareRunsQuery>
{
    public CompareRunsQueryValidator()
    {
        RuleFor(q => q).Custom((query, context) => Check(query, out _, out _).ReportTo(context));
    }

    internal static IDictionary<string, List<string>> Check(CompareRunsQuery query, out Guid a, out Guid b)
    {
        var errors = ParameterErrors.Create();
        a = Parse(query.A, "a", errors);
        b = Parse(query.B, "b", errors);
        return errors;
    }

    private static Guid Parse(string? text, string name, IDictionary<string, List<string>> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.AddError(name, "is required: the id of a run to compare");
            return Guid.Empty;
        }

        if (!QueryText.TryParseGuid(text, out var id))
        {
            errors.AddError(name, "must be a run id (a UUID)");
        }

        return id;
    }
}
