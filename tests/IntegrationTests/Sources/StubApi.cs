using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kasparro.IntegrationTests.Sources;

/// <summary>A request the stub received: path, query, headers, and when (from a monotonic clock).</summary>
internal sealed record ReceivedRequest(string Path, string Query, IReadOnlyDictionary<string, string> Headers, TimeSpan At)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>One scripted answer of the stub.</summary>
internal delegate Task StubResponse(HttpContext context);

/// <summary>
/// A real HTTP server (Kestrel on 127.0.0.1, a free port) that answers scripted responses per path (and CoinGecko
/// page), in order, the last one repeating; and records every request it received. Unscripted paths get 404.
/// </summary>
internal sealed class StubApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Script> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private StubApi(WebApplication app) => _app = app;

    public Uri Root { get; private set; } = null!;

    public Uri CoinPaprikaBase => new(Root, "v1/");

    public Uri CoinGeckoBase => new(Root, "api/v3/");

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public static async Task<StubApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new StubApi(app);
        app.Run(stub.HandleAsync);
        await app.StartAsync();
        stub.Root = new Uri(app.Urls.First() + "/");
        return stub;
    }

    public IReadOnlyList<ReceivedRequest> RequestsTo(string path) => [.. _requests.Where(r => r.Path == path)];

    /// <summary>Scripts <paramref name="path"/> (<c>/v1/tickers</c>), or one page of it when <paramref name="page"/> is given.</summary>
    public void On(string path, int? page, params StubResponse[] responses) => _routes[Key(path, page?.ToString(System.Globalization.CultureInfo.InvariantCulture))] = new Script(responses);

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private static string Key(string path, string? page) => page is null ? path : $"{path}#page={page}";

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        _requests.Enqueue(new ReceivedRequest(
            request.Path.Value ?? "/",
            request.QueryString.Value ?? string.Empty,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            _clock.Elapsed));

        var page = request.Query["page"].FirstOrDefault();
        if ((page is not null && _routes.TryGetValue(Key(request.Path.Value!, page), out var script)) || _routes.TryGetValue(Key(request.Path.Value!, null), out script))
        {
            await script.Next()(context);
            return;
        }

        await Responses.Json("""{"error":"not scripted"}""", StatusCodes.Status404NotFound)(context);
    }

    private sealed class Script(StubResponse[] responses)
    {
        private int _next = -1;

        public StubResponse Next() => responses[Math.Min(Interlocked.Increment(ref _next), responses.Length - 1)];
    }
}

/// <summary>The stub's scripted answers.</summary>
internal static class Responses
{
    public static StubResponse Json(string body, int status = StatusCodes.Status200OK, params (string Name, string Value)[] headers) =>
        Bytes(Encoding.UTF8.GetBytes(body), status, "application/json; charset=utf-8", headers);

    public static StubResponse Bytes(byte[] body, int status = StatusCodes.Status200OK, string contentType = "application/json; charset=utf-8", params (string Name, string Value)[] headers) =>
        async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        };

    public static StubResponse Html(string body, int status = StatusCodes.Status200OK) => Bytes(Encoding.UTF8.GetBytes(body), status, "text/html; charset=UTF-8");

    /// <summary>
    /// Sends the first <paramref name="length"/> bytes of a 200 JSON body (chunked), then drops the connection after
    /// a pause (time for the client to read what was sent: a reset discards data the client has not read yet).
    /// </summary>
    public static StubResponse Aborted(byte[] body, int length) =>
        async context =>
        {
            await Partial(context, body, length);
            await Task.Delay(500, context.RequestAborted);
            context.Abort();
        };

    /// <summary>Sends the first <paramref name="length"/> bytes of a 200 JSON body (chunked) and ends the response there.</summary>
    public static StubResponse CutShort(byte[] body, int length) => context => Partial(context, body, length);

    /// <summary>Never answers: waits until the client gives up.</summary>
    public static StubResponse Hang() =>
        async context =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client abandoned the attempt.
            }
        };

    private static async Task Partial(HttpContext context, byte[] body, int length)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(body.AsMemory(0, length), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
