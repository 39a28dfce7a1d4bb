using System.Buffers;
using System.IO.Pipelines;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Infrastructure.Sources.Http;

namespace Kasparro.Infrastructure.Sources.Api;

/// <summary>
/// One API response whose body is a JSON array, read item by item as it arrives. <see cref="GetAsync"/> sends the
/// request and checks the status, the content type and the first byte before anything is parsed; every way the
/// source can fail (final error status, transport error, timeout, open circuit, an HTML page, a JSON object where a
/// list belongs, a body cut short) becomes a <see cref="SourceUnavailableException"/> whose message says what
/// happened and never holds the API key.
/// </summary>
internal sealed class ApiJsonResponse : IAsyncDisposable
{
    private readonly HttpResponseMessage response;
    private readonly PipeReader body;
    private readonly ApiSourceSettings settings;

    private ApiJsonResponse(HttpResponseMessage response, PipeReader body, ApiSourceSettings settings, string request)
    {
        this.response = response;
        this.body = body;
        this.settings = settings;
        Request = request;
    }

    /// <summary>What was asked, for messages: <c>GET tickers?quotes=USD</c>.</summary>
    public string Request { get; }

    /// <param name="time">The clock an HTTP-date <c>Retry-After</c> in an error message is read against.</param>
    public static async Task<ApiJsonResponse> GetAsync(
        HttpClient http, ApiSourceSettings settings, TimeProvider time, string relativeUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        var request = $"GET {relativeUri}";
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(relativeUri, UriKind.Relative));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (HttpFailures.IsSourceFailure(ex, cancellationToken))
        {
            throw new SourceUnavailableException(ApiFailureText.Redact(settings, $"{settings.Source} did not answer {request}: {ApiFailureText.Describe(ex)}"), ex);
        }

        try
        {
            return await OpenAsync(response, settings, time, request, cancellationToken);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The array's items in order, each parsed as soon as its last byte has arrived. A body that ends early, stalls for
    /// longer than one attempt may take, or breaks the JSON throws after every complete item before the break was
    /// yielded.
    /// </summary>
    public async IAsyncEnumerable<JsonElement> ReadItemsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var splitter = new JsonArraySplitter();
        var items = new List<JsonElement>();
        long count = 0;
        while (!splitter.Ended)
        {
            idle.CancelAfter(settings.AttemptTimeout);
            ReadResult read;
            try
            {
                read = await body.ReadAsync(idle.Token);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Unavailable($"{settings.Source} stopped sending the body of {Request} (nothing for {ApiFailureText.Seconds(settings.AttemptTimeout)} s) after {count} complete items", ex);
            }
            catch (Exception ex) when (HttpFailures.IsSourceFailure(ex, cancellationToken))
            {
                throw Unavailable($"the body of {Request} from {settings.Source} broke off after {count} complete items: {ApiFailureText.Describe(ex)}", ex);
            }

            SequencePosition consumed;
            JsonException? malformed = null;
            try
            {
                consumed = splitter.Split(read.Buffer, read.IsCompleted, items);
            }
            catch (JsonException ex)
            {
                consumed = read.Buffer.Start;
                malformed = ex;
            }

            body.AdvanceTo(consumed, read.Buffer.End);
            foreach (var item in items)
            {
                count++;
                yield return item;
            }

            items.Clear();
            if (malformed is not null)
            {
                throw Unavailable($"the body of {Request} from {settings.Source} is cut short or malformed after {count} complete items: {malformed.Message}", malformed);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await body.CompleteAsync();
        response.Dispose();
    }

    private static async Task<ApiJsonResponse> OpenAsync(
        HttpResponseMessage response, ApiSourceSettings settings, TimeProvider time, string request, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new SourceUnavailableException(await ApiFailureText.FailedStatusAsync(response, settings, request, time, cancellationToken));
        }

        var status = (int)response.StatusCode;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && mediaType.Contains("html", StringComparison.OrdinalIgnoreCase))
        {
            var reason = await ApiFailureText.ReasonAsync(response, mediaType, cancellationToken);
            throw new SourceUnavailableException(ApiFailureText.Redact(
                settings, $"{settings.Source} answered {request} with an HTML page instead of JSON (HTTP {status}, a proxy or Cloudflare page?): {reason}"));
        }

        var stream = await ReadBodyAsync(response, settings, request, cancellationToken);
        var body = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: false));
        try
        {
            var first = await FirstByteAsync(body, settings, request, cancellationToken);
            if (first == (byte)'[')
            {
                return new ApiJsonResponse(response, body, settings, request);
            }

            var text = await ApiFailureText.ReadUpToAsync(body.AsStream(leaveOpen: true), ApiFailureText.ErrorBodyLimit, cancellationToken);
            var what = first == (byte)'{' ? "a JSON object where a list was expected" : $"something that is not a JSON list (content type {mediaType ?? "none"})";
            throw new SourceUnavailableException(ApiFailureText.Redact(settings, $"{settings.Source} answered {request} (HTTP {status}) with {what}: {ApiFailureText.ReasonFromText(text, mediaType)}"));
        }
        catch
        {
            await body.CompleteAsync();
            throw;
        }
    }

    private static async Task<Stream> ReadBodyAsync(HttpResponseMessage response, ApiSourceSettings settings, string request, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStreamAsync(cancellationToken);
        }
        catch (Exception ex) when (HttpFailures.IsSourceFailure(ex, cancellationToken))
        {
            throw new SourceUnavailableException(ApiFailureText.Redact(settings, $"the body of {request} from {settings.Source} could not be read: {ApiFailureText.Describe(ex)}"), ex);
        }
    }

    /// <summary>The first byte that is not JSON whitespace, left unread; an empty body is an error.</summary>
    private static async Task<byte> FirstByteAsync(PipeReader body, ApiSourceSettings settings, string request, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            idle.CancelAfter(settings.AttemptTimeout);
            ReadResult read;
            try
            {
                read = await body.ReadAsync(idle.Token);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SourceUnavailableException($"{settings.Source} sent no body for {request} within {ApiFailureText.Seconds(settings.AttemptTimeout)} s", ex);
            }
            catch (Exception ex) when (HttpFailures.IsSourceFailure(ex, cancellationToken))
            {
                throw new SourceUnavailableException(ApiFailureText.Redact(settings, $"the body of {request} from {settings.Source} broke off before it started: {ApiFailureText.Describe(ex)}"), ex);
            }

            var buffer = read.Buffer;
            var position = FirstNonWhitespace(buffer);
            if (position is { } found)
            {
                body.AdvanceTo(buffer.GetPosition(found), buffer.GetPosition(found));
                return buffer.Slice(found, 1).FirstSpan[0];
            }

            if (read.IsCompleted)
            {
                throw new SourceUnavailableException($"{settings.Source} answered {request} with an empty body");
            }

            body.AdvanceTo(buffer.End);
        }
    }

    private static long? FirstNonWhitespace(ReadOnlySequence<byte> buffer)
    {
        long offset = 0;
        foreach (var segment in buffer)
        {
            var index = segment.Span.IndexOfAnyExcept(" \t\r\n"u8);
            if (index >= 0)
            {
                return offset + index;
            }

            offset += segment.Length;
        }

        return null;
    }

    private SourceUnavailableException Unavailable(string message, Exception inner) => new(ApiFailureText.Redact(settings, message), inner);
}
