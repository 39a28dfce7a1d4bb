using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Runs.GetRun;

public sealed class GetRunQueryValidator : AbstractValidator<GetRunQuery>
{
    public GetRunQueryValidator() => RuleFor(q => q.Id).Reported("id");
}
