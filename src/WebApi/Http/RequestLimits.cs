namespace Kasparro.WebApi.Http;

/// <summary>
/// Refuses a query string longer than <see cref="MaxQueryLength"/> characters with a 414 problem before any work is
/// done, and stamps <c>api-supported-versions</c> on every <c>/v1</c> response.
/// </summary>
public sealed class RequestLimitsMiddleware(RequestDelegate next)
{
    public const int MaxQueryLength = 2048;
    public const string SupportedVersions = "1";

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase))
        {
            // Set when the response starts, so an error response written after the headers were cleared still has it.
            context.Response.OnStarting(static state =>
            {
                ((HttpResponse)state).Headers["api-supported-versions"] = SupportedVersions;
                return Task.CompletedTask;
            }, context.Response);
        }

        if (context.Request.QueryString.Value is { Length: > MaxQueryLength })
        {
            await Results.Problem(
                    statusCode: StatusCodes.Status414UriTooLong,
                    title: "The query string is too long.",
                    detail: $"At most {MaxQueryLength} characters are accepted.")
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
