using Kasparro.WebApi.Http;

namespace Kasparro.WebApi.Endpoints.V1;

/// <summary>The <c>meta</c> member of list responses: which request this was, how long the API took, which version.</summary>
public sealed record ResponseMeta(string RequestId, double ApiLatencyMs, string ApiVersion)
{
    public static ResponseMeta Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ResponseMeta(context.TraceIdentifier, RequestContextMiddleware.ElapsedMilliseconds(context), "1");
    }
}
