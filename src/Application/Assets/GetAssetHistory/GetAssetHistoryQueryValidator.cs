using FluentValidation;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Assets.GetAssetHistory;

public sealed class GetAssetHistoryQueryValidator : AbstractValidator<GetAssetHistoryQuery>
{
    public GetAssetHistoryQueryValidator()
    {
        RuleFor(q => q.TickerOrId)
            .Must(t => AssetLocator.Validate(t) is null)
            .OverridePropertyName("ticker_or_id")
            .WithMessage(q => AssetLocator.Validate(q.TickerOrId) ?? string.Empty);
        RuleFor(q => q.Source).Custom((text, context) =>
        {
            var errors = ParameterErrors.Create();
            SourceFilter.Parse(text, errors);
            errors.ReportTo(context);
        });
        RuleFor(q => q.From)
            .Must(t => QueryText.TryParseTimestamp(t, out _))
            .When(q => q.From is not null)
            .OverridePropertyName("from")
            .WithMessage("must be an ISO-8601 date or date-time, e.g. 2026-11-20 or 2026-11-20T12:00:00Z");
        RuleFor(q => q.To)
            .Must(t => QueryText.TryParseTimestamp(t, out _))
            .When(q => q.To is not null)
            .OverridePropertyName("to")
            .WithMessage("must be an ISO-8601 date or date-time, e.g. 2026-11-20 or 2026-11-20T12:00:00Z");
        RuleFor(q => q)
            .Must(q => !(QueryText.TryParseTimestamp(q.From, out var from) && QueryText.TryParseTimestamp(q.To, out var to) && from > to))
            .OverridePropertyName("from")
            .WithMessage("must not be after 'to'");
        RuleFor(q => q.Interval)
            .Must(i => GetAssetHistoryQuery.Intervals.ContainsKey(i!.Trim().ToLowerInvariant()))
            .When(q => q.Interval is not null)
            .OverridePropertyName("interval")
            .WithMessage($"must be one of {string.Join(", ", GetAssetHistoryQuery.Intervals.Keys)}");
    }
}
