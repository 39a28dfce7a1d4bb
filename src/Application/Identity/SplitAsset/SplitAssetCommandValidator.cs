using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Identity.SplitAsset;

/// <summary>The asset id a UUID, 1 to 100 known mappings, a reason; who decided, always set by the host.</summary>
public sealed class SplitAssetCommandValidator : AbstractValidator<SplitAssetCommand>
{
    public SplitAssetCommandValidator()
    {
        RuleFor(c => c.AssetId).Reported("id");
        RuleFor(c => c.Mappings).Reported("mappings");
        RuleFor(c => c.Reason).Reported("reason");
        RuleFor(c => c.Who).NotEmpty();
    }
}
