using FluentValidation;
using Kasparro.Application.Common.Exceptions;

namespace Kasparro.Application.Common.Behaviors;

/// <summary>
/// Runs every validator of a request and throws one <see cref="RequestValidationException"/> carrying all failures by
/// property: what <see cref="ValidationBehavior{TRequest, TResponse}"/> does for every request, and what a host calls
/// itself when it must know a request is valid before sending it (to answer it from a remembered answer).
/// </summary>
public static class RequestValidation
{
    public static async Task ThrowIfInvalidAsync<TRequest>(IEnumerable<IValidator<TRequest>> validators, TRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(validators);
        var failures = new List<FluentValidation.Results.ValidationFailure>();
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(new ValidationContext<TRequest>(request), cancellationToken);
            failures.AddRange(result.Errors);
        }

        if (failures.Count > 0)
        {
            throw new RequestValidationException(failures
                .GroupBy(f => f.PropertyName, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(f => f.ErrorMessage).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal));
        }
    }
}
