using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kasparro.Infrastructure.Sources.Http;
using Polly;

namespace Kasparro.Infrastructure.Sources.Api;

/// <summary>
/// What a source's failure says in a <c>SourceUnavailableException</c>: a short reason read from an error body (a JSON
/// error message, an HTML page's title, else the text's start), how a transport failure reads, and the key redacted
/// from all of it.
/// </summary>
internal static partial class ApiFailureText
{
    /// <summary>No more of an error body is read than this.</summary>
    public const int ErrorBodyLimit = 16 * 1024;

    private const int ReasonLength = 200;

    /// <summary>Why a final error status was answered, with the <c>Retry-After</c> it asked for on <paramref name="time"/>.</summary>
    public static async Task<string> FailedStatusAsync(
        HttpResponseMessage response, ApiSourceSettings settings, string request, TimeProvider time, CancellationToken cancellationToken)
    {
        var reason = await ReasonAsync(response, response.Content.Headers.ContentType?.MediaType, cancellationToken);
        var retried = HttpFailures.IsTransientStatus(response) ? " after retries" : string.Empty;
        var retryAfter = HttpFailures.RetryAfter(response, time) is { } wait ? $" (Retry-After {Seconds(wait)} s)" : string.Empty;
        return Redact(settings, $"HTTP {(int)response.StatusCode} from {settings.Source}{retried}: {reason}{retryAfter} [{request}]");
    }

    /// <summary>A short reason from an error body: a JSON error message where there is one, else the text's start.</summary>
    public static async Task<string> ReasonAsync(HttpResponseMessage response, string? mediaType, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            text = await ReadUpToAsync(stream, ErrorBodyLimit, cancellationToken);
        }
        catch (Exception ex) when (HttpFailures.IsSourceFailure(ex, cancellationToken))
        {
            return $"{response.ReasonPhrase ?? "no reason given"} (the body could not be read)";
        }

        return text.Length == 0 ? response.ReasonPhrase ?? "no body" : ReasonFromText(text, mediaType);
    }

    public static string ReasonFromText(string text, string? mediaType)
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

    public static async Task<string> ReadUpToAsync(Stream stream, int limit, CancellationToken cancellationToken)
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

    /// <summary>How a failure of the source (<see cref="HttpFailures.IsSourceFailure"/>) reads in a message.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        Polly.Timeout.TimeoutRejectedException => $"no answer within the attempt timeout after retries ({exception.Message})",
        Polly.CircuitBreaker.BrokenCircuitException => $"the circuit breaker is open after repeated failures ({exception.Message})",
        ExecutionRejectedException => $"the request was refused by the outbound policy ({exception.Message})",
        OperationCanceledException => "the request timed out",
        HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http => $"{http.HttpRequestError}: {http.Message}",
        _ => exception.Message,
    };

    /// <summary>A key echoed back by a server (or an error text) never leaves in a message.</summary>
    public static string Redact(ApiSourceSettings settings, string message) =>
        settings.AuthHeaderValue is { Length: > 0 } secret ? message.Replace(secret, "***", StringComparison.Ordinal) : message;

    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

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

    private static string Shorten(string text) => text.Length <= ReasonLength ? text : text[..ReasonLength] + "...";

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex WhitespacePattern();
}
