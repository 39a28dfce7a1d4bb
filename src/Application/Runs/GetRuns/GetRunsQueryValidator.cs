using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Runs.GetRuns;

/// <summary><c>source</c> known, <c>limit</c> 1-500, <c>offset</c> 0-10,000 or a <c>cursor</c> this list issued.</summary>
public sealed class GetRunsQueryValidator : AbstractValidator<GetRunsQuery>
{
    public GetRunsQueryValidator()
    {
        RuleFor(q => q).Custom((query, context) =>
        {
            var errors = ParameterErrors.Create();
            query.Parse(errors);
            errors.ReportTo(context);
        });
    }
}
