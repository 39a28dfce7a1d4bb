using FluentValidation;

namespace Kasparro.Application.Quotes.GetQuotes;

/// <summary>Every query-string rule of <c>/v1/data</c>, reported by parameter name (see <see cref="QuoteRequest"/>).</summary>
public sealed class GetQuotesQueryValidator : AbstractValidator<GetQuotesQuery>
{
    public GetQuotesQueryValidator()
    {
        RuleFor(q => q).Custom((query, context) =>
        {
            foreach (var (name, messages) in QuoteRequest.Parse(query).Errors)
            {
                Array.ForEach(messages, message => context.AddFailure(name, message));
            }
        });
    }
}
