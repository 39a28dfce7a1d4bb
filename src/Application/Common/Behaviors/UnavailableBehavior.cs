using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Common.Ports;

namespace Kasparro.Application.Common.Behaviors;

/// <summary>
/// Rethrows an outage of a dependency as <see cref="ServiceUnavailableException"/>, so every host reports it the same
/// way (the API as a 503 problem) without knowing which library failed.
/// </summary>
public sealed class UnavailableBehavior<TRequest, TResponse>(IFailureClassifier classifier) : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>
{
    public async Task<TResponse> Handle(TRequest request, RequestHandlerDelegate<TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(cancellationToken);
        }
        catch (Exception ex) when (ex is not ServiceUnavailableException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && classifier.IsUnavailable(ex))
        {
            throw new ServiceUnavailableException("The database is unavailable.", ex);
        }
    }
}
