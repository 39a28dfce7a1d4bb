namespace Kasparro.WebApi.Http;

/// <summary>
/// On the admin endpoints: 403 when <c>ADMIN_TOKEN</c> is unset (they are disabled), 401 with
/// <c>WWW-Authenticate: Bearer</c> unless the request carries <c>Authorization: Bearer &lt;ADMIN_TOKEN&gt;</c>. A request let
/// through carries its operator's fingerprint (<see cref="ApiAccess.AdminFingerprint"/>) for the records it leaves.
/// </summary>
public sealed class AdminTokenFilter(ApiAccess access) : IEndpointFilter
{
    private static readonly object OperatorKey = new();

    /// <summary>The fingerprint of the admin token the request carried (set once this filter let it through).</summary>
    public static string Operator(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[OperatorKey] as string ?? throw new InvalidOperationException("the admin token filter did not run for this endpoint");
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!access.AdminEnabled)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "The admin endpoints are disabled.",
                detail: "Set ADMIN_TOKEN on the server to enable them (POST /v1/runs, identity review and corrections).");
        }

        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        if (!access.IsAdmin(token))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "The admin token is missing or wrong.",
                detail: "Send Authorization: Bearer <ADMIN_TOKEN>.");
        }

        http.Items[OperatorKey] = ApiAccess.AdminFingerprint(token!);
        return await next(context);
    }
}

/// <summary>Marks an endpoint as one of the admin endpoints (for the OpenAPI document).</summary>
public sealed record AdminEndpoint
{
    public static AdminEndpoint Instance { get; } = new();
}
