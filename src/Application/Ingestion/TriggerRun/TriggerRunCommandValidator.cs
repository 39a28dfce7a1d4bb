using FluentValidation;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Ingestion.TriggerRun;

public sealed class TriggerRunCommandValidator : AbstractValidator<TriggerRunCommand>
{
    public TriggerRunCommandValidator()
    {
        RuleFor(c => c.Source)
            .Must(s => SourceNames.IsKnown(s!))
            .When(c => c.Source is not null)
            .OverridePropertyName("source")
            .WithMessage($"must be one of {string.Join(", ", SourceNames.All)}, or absent for every enabled source");
    }
}
