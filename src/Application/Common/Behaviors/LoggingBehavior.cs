using Kasparro.Application.Common.Logging;
using Microsoft.Extensions.Logging;

namespace Kasparro.Application.Common.Behaviors;

/// <summary>Logs every request with its name and duration, in a scope naming the request.</summary>
public sealed partial class LoggingBehavior<TRequest, TResponse>(ILogger<LoggingBehavior<TRequest, TResponse>> logger, TimeProvider time)
    : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>
{
    /// <summary>Requests slower than this are logged as warnings, unless they are <see cref="ILongRunningRequest"/>s.</summary>
    private static readonly TimeSpan SlowRequest = TimeSpan.FromSeconds(1);

    public async Task<TResponse> Handle(TRequest request, RequestHandlerDelegate<TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        var name = typeof(TRequest).Name;
        using var scope = logger.BeginScope(new LogScope(("request_name", name)));
        var started = time.GetTimestamp();
        try
        {
            var response = await next(cancellationToken);
            var elapsed = time.GetElapsedTime(started);
            if (elapsed > SlowRequest && request is not ILongRunningRequest)
            {
                LogSlow(name, (long)elapsed.TotalMilliseconds);
            }
            else
            {
                LogHandled(name, (long)elapsed.TotalMilliseconds);
            }

            return response;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex.GetType().Name, name, (long)time.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{RequestName} handled in {ElapsedMs} ms")]
    private partial void LogHandled(string requestName, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{RequestName} was slow: {ElapsedMs} ms")]
    private partial void LogSlow(string requestName, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{ExceptionType} from {RequestName} after {ElapsedMs} ms")]
    private partial void LogFailed(string exceptionType, string requestName, long elapsedMs);
}
