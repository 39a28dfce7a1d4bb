namespace Kasparro.WebApi.Http;

/// <summary>
/// On <c>/v1</c> reads: when <c>API_KEYS</c> is set, the request must carry one of them in <c>X-API-Key</c>, else 401.
/// The matched key (as a digest prefix) is kept on the request for the rate limiter's partition.
/// </summary>
public sealed class ApiKeyFilter(ApiAccess access) : IEndpointFilter
{
    public const string HeaderName = "X-API-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!access.KeysRequired)
        {
            return await next(context);
        }

        var http = context.HttpContext;
        if (access.MatchKey(http.Request.Headers[HeaderName].ToString()) is null)
        {
            http.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-API-Key\"";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "An API key is required.",
                detail: $"Send one of the configured keys in the {HeaderName} header.");
        }

        return await next(context);
    }
}
