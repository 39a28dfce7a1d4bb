using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Assets.GetAsset;

public sealed class GetAssetQueryValidator : AbstractValidator<GetAssetQuery>
{
    public GetAssetQueryValidator() => RuleFor(q => q.Key).Reported("ticker_or_id");
}
