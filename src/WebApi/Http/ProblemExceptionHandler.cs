using Kasparro.Application.Common.Exceptions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Kasparro.WebApi.Http;

/// <summary>
/// Turns what a request can throw into an RFC 9457 problem: validation failures are 400 with <c>errors</c> per
/// parameter, unknown things 404, a busy source 409, an unreachable database 503, anything else a bare 500. No
/// response ever carries an exception's text or stack trace beyond the messages the Application wrote for clients.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(exception);

        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or the request timed out, which the timeout middleware answers): nothing to write.
            return true;
        }

        ProblemDetails problem = exception switch
        {
            RequestValidationException validation => new HttpValidationProblemDetails(validation.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request has invalid parameters.",
                Detail = "See 'errors' for each parameter's problem.",
            },
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = "The request could not be read.",
                Detail = ReadFailure(bad),
            },
            NotFoundException notFound => new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Not found.",
                Detail = notFound.Message,
            },
            ConflictException conflict => Conflict(conflict),
            ServiceUnavailableException => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unavailable.",
                Detail = "Try again shortly; /health reports when it is back.",
            },
            _ => new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "An unexpected error occurred.",
                Detail = "It has been logged with this request's id.",
            },
        };

        if (problem.Status >= 500)
        {
            LogFailure(exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static string ReadFailure(BadHttpRequestException bad) => bad switch
    {
        { StatusCode: StatusCodes.Status413PayloadTooLarge } => "The request body is too large.",
        { InnerException: System.Text.Json.JsonException { LineNumber: { } line, BytePositionInLine: { } position } } =>
            $"The request body is not valid JSON (line {line + 1}, byte {position + 1}).",
        { InnerException: System.Text.Json.JsonException } => "The request body is not valid JSON.",
        _ => "The request body or parameters are malformed.",
    };

    private static ProblemDetails Conflict(ConflictException conflict)
    {
        var problem = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict.", Detail = conflict.Message };
        foreach (var (key, value) in conflict.Details)
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    private partial void LogFailure(Exception exception, string method, string path);
}
