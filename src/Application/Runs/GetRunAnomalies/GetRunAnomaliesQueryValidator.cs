using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Runs.GetRunAnomalies;

/// <summary><c>source</c> known, <c>limit</c> 1-500, <c>window</c> 5-200, <c>threshold</c> 1-1000.</summary>
public sealed class GetRunAnomaliesQueryValidator : AbstractValidator<GetRunAnomaliesQuery>
{
    public GetRunAnomaliesQueryValidator()
    {
        RuleFor(q => q.Sources).Reported("source");
        RuleFor(q => q.Limit).Reported("limit");
        RuleFor(q => q.Window).Reported("window");
        RuleFor(q => q.Threshold).Reported("threshold");
    }
}
