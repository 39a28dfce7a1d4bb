using System.Buffers;
using System.Reflection;
using System.Text.Json;
using Kasparro.WebApi.Endpoints.V1;
using Kasparro.WebApi.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Kasparro.WebApi.Caching;

/// <summary>
/// A <c>/v1</c> read's answer from <see cref="ReadCache"/>, with its <c>ETag</c> and <c>Cache-Control: no-cache</c>
/// (a client may keep it, and revalidates before each use): 304 with no body, or 200 with the answer's JSON up to its
/// <c>meta</c>, this request's <c>meta</c> and the closing brace, handed to Kestrel in one write with its
/// <c>Content-Length</c> (written piece by piece into the response pipe, every piece took the connection's output
/// lock, and a body of unknown length went out chunked). For OpenAPI it reads as a 200 of
/// <typeparamref name="TResponse"/> and a 304.
/// </summary>
public sealed class CachedRead<TResponse> : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    private readonly byte[]? _answer;

    private CachedRead(byte[]? answer, string etag)
    {
        _answer = answer;
        ETag = etag;
    }

    public string ETag { get; }

    public int? StatusCode => _answer is null ? StatusCodes.Status304NotModified : StatusCodes.Status200OK;

    internal static CachedRead<TResponse> NotModified(string etag) => new(null, etag);

    internal static CachedRead<TResponse> Answer(byte[] answer, string etag) => new(answer, etag);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.Headers.ETag = ETag;
        response.Headers.CacheControl = "no-cache";
        if (_answer is null)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        var meta = JsonSerializer.SerializeToUtf8Bytes(ResponseMeta.Of(httpContext), ApiJsonContext.Default.ResponseMeta);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = _answer.Length + meta.Length + 1;
        response.BodyWriter.Write(new ReadOnlySpan<byte>(_answer));
        response.BodyWriter.Write(new ReadOnlySpan<byte>(meta));
        response.BodyWriter.Write("}"u8);
        return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TResponse), ["application/json"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified, typeof(void), []));
    }
}
