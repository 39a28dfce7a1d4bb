using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kasparro.IntegrationTests.Api.Telemetry;

/// <summary>
/// An OTLP/HTTP endpoint (Kestrel on 127.0.0.1, a free port) that keeps every export it receives and answers 200 with an
/// empty protobuf message. Protobuf writes strings as plain UTF-8, so the bodies can be searched as text.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, string Body)> _exports = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = string.Empty;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.Run(receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Endpoint = app.Urls.First();
        return receiver;
    }

    /// <summary>Every body received on <paramref name="path"/> (<c>/v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>), joined.</summary>
    public string Received(string path) => string.Join('\n', _exports.Where(e => e.Path == path).Select(e => e.Body));

    /// <summary>Every body received, joined.</summary>
    public string All => string.Join('\n', _exports.Select(e => e.Body));

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        _exports.Enqueue((context.Request.Path.Value ?? "/", Encoding.UTF8.GetString(body.ToArray())));
        context.Response.ContentType = "application/x-protobuf";
    }
}
