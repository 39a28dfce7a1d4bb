using FluentValidation;
using Kasparro.Application.Ingestion.Ports;

namespace Kasparro.Application.Ingestion.RunIngestion;

public sealed class RunIngestionCommandValidator : AbstractValidator<RunIngestionCommand>
{
    public RunIngestionCommandValidator(IEnumerable<IIngestionSource> sources)
    {
        var known = sources.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        RuleFor(c => c.Sources).NotNull();
        RuleForEach(c => c.Sources)
            .Must(known.Contains)
            .WithMessage(source => $"unknown source; expected one of: {string.Join(", ", known.Order(StringComparer.Ordinal))}");
        RuleFor(c => c.Sources)
            .Must(s => s is null || s.Distinct(StringComparer.Ordinal).Count() == s.Count)
            .WithMessage("a source is named twice");
        RuleFor(c => c.FailAfter).GreaterThan(0).When(c => c.FailAfter is not null);
        RuleFor(c => c.CsvPath).NotEmpty().When(c => c.CsvPath is not null);
        RuleFor(c => c.Trigger).IsInEnum();
    }
}
