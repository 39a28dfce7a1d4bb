using FluentValidation;

namespace Kasparro.Application.Assets.GetAsset;

public sealed class GetAssetQueryValidator : AbstractValidator<GetAssetQuery>
{
    public GetAssetQueryValidator()
    {
        RuleFor(q => q.TickerOrId)
            .Must(t => AssetLocator.Validate(t) is null)
            .OverridePropertyName("ticker_or_id")
            .WithMessage(q => AssetLocator.Validate(q.TickerOrId) ?? string.Empty);
    }
}
