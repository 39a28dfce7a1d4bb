namespace Kasparro.WebApi.Http;

/// <summary>
/// Refuses a query string longer than <see cref="MaxQueryLength"/> characters with a 414 problem before any work is done.
/// </summary>
public sealed class RequestLimitsMiddleware(RequestDelegate next)
{
    public const int MaxQueryLength = 2048;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
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
