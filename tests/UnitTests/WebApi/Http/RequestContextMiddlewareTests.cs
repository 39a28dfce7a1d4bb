using Kasparro.WebApi.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kasparro.UnitTests.WebApi.Http;

public sealed class RequestContextMiddlewareTests
{
    /// <summary>One request through the middleware: the log scope open while the rest of the pipeline ran, the context, and the scopes left open after.</summary>
    private static async Task<(IReadOnlyList<KeyValuePair<string, object?>> Scope, HttpContext Context, List<object> LeftOpen)> RunAsync(string clientId)
    {
        var logger = new ScopeRecorder();
        var context = new DefaultHttpContext();
        context.Request.Headers[RequestContextMiddleware.HeaderName] = clientId;
        object? scopeDuringRequest = null;
        var middleware = new RequestContextMiddleware(_ => { scopeDuringRequest = logger.Open.LastOrDefault(); return Task.CompletedTask; }, logger);

        await middleware.InvokeAsync(context);

        return (scopeDuringRequest.ShouldBeAssignableTo<IReadOnlyList<KeyValuePair<string, object?>>>()!, context, logger.Open);
    }

    [Fact]
    public async Task Request_RunsInsideARequestIdScope_ThatLogsAsAPropertyAndAsKeyValueText()
    {
        var (scope, context, leftOpen) = await RunAsync("client-id.42");

        scope.ShouldBe([new KeyValuePair<string, object?>("request_id", "client-id.42")]);
        scope.ToString().ShouldBe("request_id=client-id.42", "a text log shows the pair, never the scope's type name");
        leftOpen.ShouldBeEmpty("the scope closes with the request");
        context.Response.Headers[RequestContextMiddleware.HeaderName].ToString().ShouldBe("client-id.42");
    }

    [Fact]
    public async Task Request_WithAnUnsafeClientId_GetsAFreshIdInItsScope()
    {
        var (scope, context, _) = await RunAsync("bad id\r\nforged: line");

        var id = scope.Single().Value.ShouldBeOfType<string>();
        id.ShouldMatch("^[0-9a-f]{32}$");
        context.TraceIdentifier.ShouldBe(id);
    }

    private sealed class ScopeRecorder : ILogger<RequestContextMiddleware>
    {
        public List<object> Open { get; } = [];

        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull
        {
            Open.Add(state);
            return new Closer(() => Open.Remove(state));
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }

        private sealed class Closer(Action close) : IDisposable
        {
            public void Dispose() => close();
        }
    }
}
