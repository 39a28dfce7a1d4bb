using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Infrastructure.Sources.Http;
using Polly;

namespace Kasparro.Infrastructure.Sources.Api;

/// <summary>
/// One API response whose body is a JSON array, read item by item as it arrives. <see cref="GetAsync"/> sends the
/// request and checks the status, the content type and the first byte before anything is parsed; every way the
/// source can fail (final error status, transport error, timeout, open circuit, an HTML page, a JSON object where a
/// list belongs, a body cut short) becomes a <see cref="SourceUnavailableException"/> whose message says what
/// happened and never holds the API key.
/// </summary>
internal sealed partial class ApiJsonResponse : IAsyncDisposable
{
    private const int ErrorBodyLimit = 16 * 1024;
    private const int ReasonLength = 200;

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

    public static async Task<ApiJsonResponse> GetAsync(HttpClient http, ApiSourceSettings settings, string relativeUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(settings);
        var request = $"GET {relativeUri}";
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(relativeUri, UriKind.Relative));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            throw new SourceUnavailableException(Redact(settings, $"{settings.Source} did not answer {request}: {Describe(ex)}"), ex);
        }

        try
        {
            return await OpenAsync(response, settings, request, cancellationToken);
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
                throw Unavailable($"{settings.Source} stopped sending the body of {Request} (nothing for {Seconds(settings.AttemptTimeout)} s) after {count} complete items", ex);
            }
            catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
            {
                throw Unavailable($"the body of {Request} from {settings.Source} broke off after {count} complete items: {Describe(ex)}", ex);
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

    private static async Task<ApiJsonResponse> OpenAsync(HttpResponseMessage response, ApiSourceSettings settings, string request, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!response.IsSuccessStatusCode)
        {
            var reason = await ReasonAsync(response, mediaType, cancellationToken);
            var retried = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || status >= 500 ? " after retries" : string.Empty;
            var retryAfter = RetryAfter(response) is { } wait ? $" (Retry-After {Seconds(wait)} s)" : string.Empty;
            throw new SourceUnavailableException(Redact(settings, $"HTTP {status} from {settings.Source}{retried}: {reason}{retryAfter} [{request}]"));
        }

        if (mediaType is not null && mediaType.Contains("html", StringComparison.OrdinalIgnoreCase))
        {
            var reason = await ReasonAsync(response, mediaType, cancellationToken);
            throw new SourceUnavailableException(Redact(
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

            var text = await ReadUpToAsync(body.AsStream(leaveOpen: true), ErrorBodyLimit, cancellationToken);
            var what = first == (byte)'{' ? "a JSON object where a list was expected" : $"something that is not a JSON list (content type {mediaType ?? "none"})";
            throw new SourceUnavailableException(Redact(settings, $"{settings.Source} answered {request} (HTTP {status}) with {what}: {ReasonFromText(text, mediaType)}"));
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
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            throw new SourceUnavailableException(Redact(settings, $"the body of {request} from {settings.Source} could not be read: {Describe(ex)}"), ex);
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
                throw new SourceUnavailableException($"{settings.Source} sent no body for {request} within {Seconds(settings.AttemptTimeout)} s", ex);
            }
            catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
            {
                throw new SourceUnavailableException(Redact(settings, $"the body of {request} from {settings.Source} broke off before it started: {Describe(ex)}"), ex);
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

    /// <summary>A short reason from an error body: a JSON error message where there is one, else the text's start.</summary>
    private static async Task<string> ReasonAsync(HttpResponseMessage response, string? mediaType, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            text = await ReadUpToAsync(stream, ErrorBodyLimit, cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            return $"{response.ReasonPhrase ?? "no reason given"} (the body could not be read)";
        }

        return text.Length == 0 ? response.ReasonPhrase ?? "no body" : ReasonFromText(text, mediaType);
    }

    internal static string ReasonFromText(string text, string? mediaType)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var json = JsonDocument.Parse(trimmed);
                if (ErrorMessage(json.RootElement) is { } message)
                {
                    return Shorten(message.Trim());
                }
            }
            catch (JsonException)
            {
                // Not complete JSON: the text itself is the reason.
            }
        }

        if ((mediaType?.Contains("html", StringComparison.OrdinalIgnoreCase) ?? false) || trimmed.StartsWith('<'))
        {
            var title = TitlePattern().Match(trimmed);
            if (title.Success)
            {
                return $"page titled '{Shorten(WebUtility.HtmlDecode(title.Groups[1].Value).Trim())}'";
            }
        }

        return Shorten(WhitespacePattern().Replace(trimmed, " "));
    }

    /// <summary>CoinGecko: <c>{"status":{"error_code":429,"error_message":"..."}}</c>; CoinPaprika: <c>{"error":"..."}</c>.</summary>
    private static string? ErrorMessage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object
            && status.TryGetProperty("error_message", out var statusMessage) && statusMessage.ValueKind == JsonValueKind.String)
        {
            return statusMessage.GetString();
        }

        foreach (var name in (string[])["error_message", "error", "message"])
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }
        }

        return null;
    }

    private static async Task<string> ReadUpToAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(limit);
        try
        {
            var total = 0;
            int read;
            while (total < limit && (read = await stream.ReadAsync(buffer.AsMemory(total, limit - total), cancellationToken)) > 0)
            {
                total += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>The failures that mean the source is not answering, as opposed to the caller cancelling.</summary>
    private static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        HttpRequestException or IOException or ExecutionRejectedException => true,
        _ => false,
    };

    private static string Describe(Exception exception) => exception switch
    {
        Polly.Timeout.TimeoutRejectedException => $"no answer within the attempt timeout after retries ({exception.Message})",
        Polly.CircuitBreaker.BrokenCircuitException => $"the circuit breaker is open after repeated failures ({exception.Message})",
        ExecutionRejectedException => $"the request was refused by the outbound policy ({exception.Message})",
        OperationCanceledException => "the request timed out",
        HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http => $"{http.HttpRequestError}: {http.Message}",
        _ => exception.Message,
    };

    private SourceUnavailableException Unavailable(string message, Exception inner) => new(Redact(settings, message), inner);

    /// <summary>A key echoed back by a server (or an error text) never leaves in a message.</summary>
    private static string Redact(ApiSourceSettings settings, string message) =>
        settings.AuthHeaderValue is { Length: > 0 } secret ? message.Replace(secret, "***", StringComparison.Ordinal) : message;

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= ReasonLength ? text : text[..ReasonLength] + "...";

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex WhitespacePattern();
}
