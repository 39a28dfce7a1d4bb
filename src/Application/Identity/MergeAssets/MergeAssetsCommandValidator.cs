using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Identity.MergeAssets;

/// <summary>Both asset ids UUIDs and different, a reason; who decided, always set by the host.</summary>
public sealed class MergeAssetsCommandValidator : AbstractValidator<MergeAssetsCommand>
{
    public MergeAssetsCommandValidator()
    {
        RuleFor(c => c.From).Reported("from");
        RuleFor(c => c.Into).Reported("into");
        RuleFor(c => c.Reason).Reported("reason");
        RuleFor(c => c.Who).NotEmpty();
        RuleFor(c => c)
            .Must(c => c.From.Value != c.Into.Value)
            .When(c => c.From.IsValid && c.Into.IsValid)
            .OverridePropertyName("into")
            .WithMessage("must be another asset than 'from'");
    }
}
