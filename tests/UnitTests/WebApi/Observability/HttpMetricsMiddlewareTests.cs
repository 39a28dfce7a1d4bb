using Kasparro.WebApi.Observability;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Time.Testing;

namespace Kasparro.UnitTests.WebApi.Observability;

public sealed class HttpMetricsMiddlewareTests
{
    private readonly HttpMetricsCollector _collector = new();
    private readonly FakeTimeProvider _time = new();
    private readonly StartableResponse _response = new();

    private static RouteEndpoint Endpoint(string pattern) =>
        new(_ => Task.CompletedTask, RoutePatternFactory.Parse(pattern), 0, EndpointMetadataCollection.Empty, pattern);

    private DefaultHttpContext Context(string method, Endpoint? endpoint)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseFeature>(_response);
        context.Request.Method = method;
        context.Request.Path = "/v1/runs/0195f0a0-0000-7000-8000-000000000001";
        context.SetEndpoint(endpoint);
        return context;
    }

    [Fact]
    public async Task Invoke_RecordsTheRouteTemplateNotThePath_WithTheStatusAtResponseStart()
    {
        var context = Context("GET", Endpoint("/v1/runs/{id}"));
        var middleware = new HttpMetricsMiddleware(
            http =>
            {
                _time.Advance(TimeSpan.FromMilliseconds(30));
                http.Response.StatusCode = 404;
                return Task.CompletedTask;
            },
            _collector,
            _time);

        await middleware.InvokeAsync(context);
        _collector.Snapshot().Requests.ShouldBeEmpty();
        await _response.StartAsync();

        var snapshot = _collector.Snapshot();
        snapshot.Requests.ShouldBe([new RequestCount("GET", "/v1/runs/{id}", 404, 1)]);
        var histogram = snapshot.Durations.ShouldHaveSingleItem();
        histogram.BucketCounts[3].ShouldBe(1); // le=0.05
        histogram.SumSeconds.ShouldBe(0.03, 1e-9);
    }

    [Fact]
    public async Task Invoke_WhenTheEndpointThrows_RecordsTheStatusTheExceptionHandlerChose()
    {
        var context = Context("GET", Endpoint("/v1/runs"));
        var middleware = new HttpMetricsMiddleware(_ => throw new InvalidOperationException("validation"), _collector, _time);

        await Should.ThrowAsync<InvalidOperationException>(() => middleware.InvokeAsync(context));

        // What the exception handler above does: clear the endpoint, write a 400 problem.
        context.SetEndpoint(null);
        context.Response.StatusCode = 400;
        await _response.StartAsync();

        _collector.Snapshot().Requests.ShouldBe([new RequestCount("GET", "/v1/runs", 400, 1)]);
    }

    [Fact]
    public async Task Invoke_WhenRoutingRunsLater_ReadsTheEndpointWhenTheResponseStarts()
    {
        var context = Context("GET", endpoint: null);
        var middleware = new HttpMetricsMiddleware(
            http =>
            {
                http.SetEndpoint(Endpoint("/v1/stats"));
                return Task.CompletedTask;
            },
            _collector,
            _time);

        await middleware.InvokeAsync(context);
        await _response.StartAsync();

        _collector.Snapshot().Requests.ShouldBe([new RequestCount("GET", "/v1/stats", 200, 1)]);
    }

    [Fact]
    public async Task Invoke_WhenTheExceptionHandlerClearedALateEndpoint_TakesItFromTheExceptionFeature()
    {
        var context = Context("GET", endpoint: null);
        var middleware = new HttpMetricsMiddleware(_ => Task.CompletedTask, _collector, _time);

        await middleware.InvokeAsync(context);
        context.Features.Set<IExceptionHandlerFeature>(new ExceptionHandlerFeature { Error = new InvalidOperationException(), Endpoint = Endpoint("/v1/data"), Path = "/v1/data" });
        context.Response.StatusCode = 500;
        await _response.StartAsync();

        _collector.Snapshot().Requests.ShouldBe([new RequestCount("GET", "/v1/data", 500, 1)]);
    }

    [Fact]
    public async Task Invoke_WithoutAnyEndpoint_RecordsUnmatched()
    {
        var context = Context("GET", endpoint: null);
        var middleware = new HttpMetricsMiddleware(
            http =>
            {
                http.Response.StatusCode = 404;
                return Task.CompletedTask;
            },
            _collector,
            _time);

        await middleware.InvokeAsync(context);
        await _response.StartAsync();

        _collector.Snapshot().Requests.ShouldBe([new RequestCount("GET", HttpMetricsCollector.UnmatchedRoute, 404, 1)]);
    }

    /// <summary>A response whose start the test triggers, running the OnStarting callbacks as a server would.</summary>
    private sealed class StartableResponse : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _starting = [];

        public override bool HasStarted => Started;

        private bool Started { get; set; }

        public override void OnStarting(Func<object, Task> callback, object state) => _starting.Add((callback, state));

        public async Task StartAsync()
        {
            // Servers run the callbacks in reverse order of registration.
            for (var i = _starting.Count - 1; i >= 0; i--)
            {
                await _starting[i].Callback(_starting[i].State);
            }

            Started = true;
        }
    }
}
