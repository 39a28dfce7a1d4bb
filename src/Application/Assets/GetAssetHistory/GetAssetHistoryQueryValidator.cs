using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Assets.GetAssetHistory;

public sealed class GetAssetHistoryQueryValidator : AbstractValidator<GetAssetHistoryQuery>
{
    public GetAssetHistoryQueryValidator()
    {
        RuleFor(q => q.Key).Reported("ticker_or_id");
        RuleFor(q => q.Sources).Reported("source");
        RuleFor(q => q.From).Reported("from");
        RuleFor(q => q.To).Reported("to");
        RuleFor(q => q)
            .Must(q => !(q.From.Value > q.To.Value))
            .OverridePropertyName("from")
            .WithMessage("must not be after 'to'");
        RuleFor(q => q.Interval).Reported("interval");
    }
}
