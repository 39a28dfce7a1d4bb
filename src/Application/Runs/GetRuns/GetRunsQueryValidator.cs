using FluentValidation;

namespace Kasparro.Application.Runs.GetRuns;

/// <summary><c>source</c> known, <c>limit</c> 1-500, <c>offset</c> 0-10,000 or a <c>cursor</c> this list issued for this filter.</summary>
public sealed class GetRunsQueryValidator : AbstractValidator<GetRunsQuery>
{
    public GetRunsQueryValidator() => this.AddListRules<GetRunsQuery, Guid>();
}
