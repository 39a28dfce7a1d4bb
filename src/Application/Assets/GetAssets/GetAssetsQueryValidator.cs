using FluentValidation;
using Kasparro.Application.Common.Queries;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Assets.GetAssets;

public sealed class GetAssetsQueryValidator : AbstractValidator<GetAssetsQuery>
{
    public GetAssetsQueryValidator()
    {
        RuleFor(q => q.Ticker).Custom((text, context) =>
        {
            foreach (var item in QueryText.SplitList(text))
            {
                if (Ticker.Parse(item, TickerAliases.None).Error is { } error)
                {
                    context.AddFailure("ticker", $"'{item}': {error}");
                }
            }
        });
        RuleFor(q => q.Limit)
            .Must(l => QueryText.TryParseInt(l, 1, GetAssetsQuery.MaxLimit, out _))
            .When(q => q.Limit is not null)
            .OverridePropertyName("limit")
            .WithMessage($"must be a whole number from 1 to {GetAssetsQuery.MaxLimit}");
        RuleFor(q => q.Offset)
            .Must(o => QueryText.TryParseInt(o, 0, 100_000, out _))
            .When(q => q.Offset is not null)
            .OverridePropertyName("offset")
            .WithMessage("must be a whole number from 0 to 100000");
    }
}
