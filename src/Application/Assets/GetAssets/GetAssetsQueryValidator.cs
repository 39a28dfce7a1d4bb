using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Assets.GetAssets;

public sealed class GetAssetsQueryValidator : AbstractValidator<GetAssetsQuery>
{
    public GetAssetsQueryValidator()
    {
        RuleFor(q => q.Tickers).Reported("ticker");
        RuleFor(q => q.Limit).Reported("limit");
        RuleFor(q => q.Offset).Reported("offset");
    }
}
