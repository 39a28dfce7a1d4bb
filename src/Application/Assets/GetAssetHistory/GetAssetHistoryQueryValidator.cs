using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Assets.GetAssetHistory;

public sealed class GetAssetHistoryQueryValidator : AbstractValidator<GetAssetHistoryQuery>
{
    public GetAssetHistoryQueryValidator()
    {
        RuleFor(q => q.Key).Reported("ticker_or_id");
        RuleFor(q => q.Sources).Reported("source");
        this.AddTimeRangeRules(q => q.From, q => q.To);
        RuleFor(q => q.Interval).Reported("interval");
    }
}
