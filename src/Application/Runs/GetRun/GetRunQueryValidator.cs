using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Runs.GetRun;

public sealed class GetRunQueryValidator : AbstractValidator<GetRunQuery>
{
    public const string NotAnId = "must be a run id (a UUID)";

    public GetRunQueryValidator()
    {
        RuleFor(q => q.Id)
            .Must(id => QueryText.TryParseGuid(id, out _))
            .OverridePropertyName("id")
            .WithMessage(NotAnId);
    }
}
