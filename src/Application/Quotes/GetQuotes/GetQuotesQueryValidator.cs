using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Quotes.GetQuotes;

/// <summary>Every query-string rule of <c>/v1/data</c>, reported by parameter name, all at once.</summary>
public sealed class GetQuotesQueryValidator : AbstractValidator<GetQuotesQuery>
{
    public GetQuotesQueryValidator()
    {
        RuleFor(q => q.Tickers).Reported("ticker");
        RuleFor(q => q.AssetId).Reported("asset_id");
        RuleFor(q => q.Sources).Reported("source");
        this.AddTimeRangeRules(q => q.From, q => q.To);
        RuleFor(q => q.Sort).Reported("sort");
        RuleFor(q => q.Limit).Reported("limit");
        RuleFor(q => q.Offset).Reported("offset");
        RuleFor(q => q.Cursor).Reported("cursor");
        RuleFor(q => q.Cursor)
            .Must((q, _) => !q.Offset.Given)
            .When(q => q.Cursor.Given)
            .OverridePropertyName("cursor")
            .WithMessage("give either 'offset' or 'cursor', not both");

        // A cursor belongs to the sort and the filters it was issued under; judged once everything else holds.
        RuleFor(q => q.Cursor)
            .Must((q, cursor) => cursor.Value!.Sort == q.Sort.Value)
            .When(CursorIsJudged)
            .OverridePropertyName("cursor")
            .WithMessage(q => $"was issued for sort '{q.Cursor.Value!.Sort}', not '{q.Sort.Value}'; start again without a cursor");
        RuleFor(q => q.Cursor)
            .Must((q, cursor) => cursor.Value!.Fingerprint == q.Filter.Fingerprint())
            .When(q => CursorIsJudged(q) && q.Cursor.Value!.Sort == q.Sort.Value)
            .OverridePropertyName("cursor")
            .WithMessage("was issued for other filters; start again without a cursor");
    }

    private static bool CursorIsJudged(GetQuotesQuery q) =>
        q.Cursor.Value is not null && !q.Offset.Given
        && q.Tickers.IsValid && q.AssetId.IsValid && q.Sources.IsValid && q.From.IsValid && q.To.IsValid && !(q.From.Value > q.To.Value)
        && q.Sort.IsValid && q.Limit.IsValid;
}
