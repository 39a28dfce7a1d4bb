using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Identity.GetIdentityReview;

/// <summary><c>below</c> in (0, 1], <c>price_factor</c> above 1, <c>limit</c> 1-1000.</summary>
public sealed class GetIdentityReviewQueryValidator : AbstractValidator<GetIdentityReviewQuery>
{
    public GetIdentityReviewQueryValidator()
    {
        RuleFor(q => q.Below).Reported("below");
        RuleFor(q => q.PriceFactor).Reported("price_factor");
        RuleFor(q => q.Limit).Reported("limit");
    }
}
