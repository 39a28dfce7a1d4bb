using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;

namespace Kasparro.WebApi.Http;

/// <summary>
/// A 200 JSON body written by the serializer code <see cref="ApiJsonContext"/> generated for its type. The HTTP JSON
/// options chain that context with the reflection resolver, and through a chain System.Text.Json never takes the
/// generated fast path; with the context's own type info it does (no metadata walk per property). The body is the
/// same: the context has the same naming and defaults as the HTTP options. For OpenAPI it reads as
/// <see cref="Ok{TValue}"/> does.
/// </summary>
public sealed class GeneratedJsonResult<TValue>(TValue value, JsonTypeInfo<TValue> typeInfo) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<TValue>
{
    public TValue Value => value;

    object? IValueHttpResult.Value => value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        await using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }

        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TValue), ["application/json"]));
    }
}
