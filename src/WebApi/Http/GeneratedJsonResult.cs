using System.Buffers;
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
/// <remarks>
/// The body is serialized into a buffer of the thread's own first and handed to Kestrel in one write, with its
/// <c>Content-Length</c>: written straight into the response pipe, every segment the writer asked for took the
/// connection's output lock, and a body of unknown length went out chunked. Serializing is synchronous, so the buffer
/// is the thread's alone from its reset to the copy into the pipe.
/// </remarks>
public sealed class GeneratedJsonResult<TValue>(TValue value, JsonTypeInfo<TValue> typeInfo) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<TValue>
{
    public TValue Value => value;

    object? IValueHttpResult.Value => value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        var body = JsonBodyBuffer.Serialize(value, typeInfo);
        response.ContentLength = body.Length;
        response.BodyWriter.Write(body.Span);
        JsonBodyBuffer.Release();
        return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TValue), ["application/json"]));
    }
}

/// <summary>One reusable serialization buffer (and JSON writer) per thread; see <see cref="GeneratedJsonResult{TValue}"/>.</summary>
internal static class JsonBodyBuffer
{
    private const int InitialBytes = 16 * 1024;

    /// <summary>A buffer that grew past this (a very large page) is not kept for the thread's next body.</summary>
    private const int KeptBytes = 512 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? writer;

    /// <summary>The value as JSON, valid until <see cref="Release"/> or the thread's next call.</summary>
    public static ReadOnlyMemory<byte> Serialize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var output = buffer ??= new ArrayBufferWriter<byte>(InitialBytes);
        output.ResetWrittenCount();
        var json = writer ??= new Utf8JsonWriter(output);
        json.Reset(output);
        JsonSerializer.Serialize(json, value, typeInfo);
        return output.WrittenMemory;
    }

    public static void Release()
    {
        if (buffer is { Capacity: > KeptBytes })
        {
            buffer = null;
            writer = null;
        }
    }
}
