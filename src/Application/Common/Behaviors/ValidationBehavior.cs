using FluentValidation;

namespace Kasparro.Application.Common.Behaviors;

/// <summary>Runs every validator of the request and throws one exception carrying all failures by property (<see cref="RequestValidation"/>).</summary>
public sealed class ValidationBehavior<TRequest, TResponse>(IEnumerable<IValidator<TRequest>> validators)
    : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>
{
    public async Task<TResponse> Handle(TRequest request, RequestHandlerDelegate<TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        await RequestValidation.ThrowIfInvalidAsync(validators, request, cancellationToken);
        return await next(cancellationToken);
    }
}
