using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Identity.GetAssetDecisions;

public sealed class GetAssetDecisionsQueryValidator : AbstractValidator<GetAssetDecisionsQuery>
{
    public GetAssetDecisionsQueryValidator()
    {
        RuleFor(q => q.AssetId).Reported("id");
        RuleFor(q => q.Limit).Reported("limit");
    }
}
