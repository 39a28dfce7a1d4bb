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
}
