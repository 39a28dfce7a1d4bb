using System.Linq.Expressions;
using FluentValidation;

namespace Kasparro.Application.Common.Queries;

/// <summary>
/// One request parameter, parsed from its text once: its value (the default when the request did not carry it), or the
/// errors saying why the text is not one. A request's factory fills these, its validator reports the errors under the
/// parameter's name, and its handler reads the values.
/// </summary>
/// <param name="Given">Whether the request carried the parameter at all (an empty text counts).</param>
public sealed record Parsed<T>(T Value, IReadOnlyList<string> Errors, bool Given)
{
    public bool IsValid => Errors.Count == 0;
}

public static class Parsed
{
    /// <summary>The parameter was not sent: its default applies.</summary>
    public static Parsed<T> Absent<T>(T value) => new(value, [], Given: false);

    public static Parsed<T> Valid<T>(T value) => new(value, [], Given: true);

    /// <summary>The parameter was sent but is not valid; <paramref name="fallback"/> only keeps the value's type inhabited.</summary>
    public static Parsed<T> Invalid<T>(T fallback, params string[] errors) => new(fallback, errors, Given: true);

    /// <summary>Reports every error of a parsed parameter under the parameter's name, as the API spells it.</summary>
    public static IRuleBuilderOptionsConditions<TRequest, Parsed<T>> Reported<TRequest, T>(this IRuleBuilder<TRequest, Parsed<T>> rule, string parameter) =>
        rule.Custom((parsed, context) =>
        {
            foreach (var error in parsed.Errors)
            {
                context.AddFailure(parameter, error);
            }
        });

    /// <summary>The <c>from</c> and <c>to</c> parameters of a time range: each a timestamp, and <c>from</c> not after <c>to</c>.</summary>
    public static void AddTimeRangeRules<TRequest>(
        this AbstractValidator<TRequest> validator,
        Expression<Func<TRequest, Parsed<DateTimeOffset?>>> from,
        Expression<Func<TRequest, Parsed<DateTimeOffset?>>> to)
    {
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        validator.RuleFor(from).Reported("from");
        validator.RuleFor(to).Reported("to");
        var (start, end) = (from.Compile(), to.Compile());
        validator.RuleFor(request => request)
            .Must(request => !(start(request).Value > end(request).Value))
            .OverridePropertyName("from")
            .WithMessage("must not be after 'to'");
    }
}
