using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Runs.CompareRuns;

/// <summary>Both <c>a</c> and <c>b</c> are required run ids (UUIDs); each missing or malformed one is named.</summary>
public sealed class CompareRunsQueryValidator : AbstractValidator<CompareRunsQuery>
{
    public CompareRunsQueryValidator()
    {
        RuleFor(q => q.A).Reported("a");
        RuleFor(q => q.B).Reported("b");
    }
}
