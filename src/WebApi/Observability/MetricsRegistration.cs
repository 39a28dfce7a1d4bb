using System.Diagnostics.Metrics;
using Kasparro.Infrastructure;
using Kasparro.WebApi.OpenApi;
using Microsoft.AspNetCore.OpenApi;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Kasparro.WebApi.Observability;

/// <summary>
/// OpenTelemetry for the API: metrics (ASP.NET Core's, HttpClient's, Npgsql's, the runtime's, our ETL series, the data
/// change listener's and the read cache's) served at <c>GET /metrics</c> in Prometheus text (outside <c>/v1</c>: no API
/// key, no rate limit), and, only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, metrics, traces and logs pushed over
/// OTLP, configured by the standard <c>OTEL_*</c> variables. Nothing here reads a secret; the instrumentations record no headers, redact query strings,
/// and Npgsql records the SQL text (parameters travel separately and are not recorded) and the data source's name.
/// </summary>
public static class MetricsRegistration
{
    public const string ScrapePath = "/metrics";
    public const string ServiceName = "kasparro";

    public static IServiceCollection AddKasparroMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<EtlMetricsSnapshot>();
        services.AddSingleton<EtlInstruments>();
        services.Configure<OpenApiOptions>(OpenApiSetup.DocumentName, o => o.AddDocumentTransformer(ScrapeEndpointDocument.DescribeAsync));

        var telemetry = services.AddOpenTelemetry()
            // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES still win: their detector runs after our default name.
            .ConfigureResource(resource => resource.AddService(ServiceName).AddEnvironmentVariableDetector())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddInfrastructureInstrumentation()
                .AddMeter("System.Runtime")
                // The outbound politeness: retries, timeouts, breaker and rate limiter events per source pipeline.
                .AddMeter("Polly")
                .AddMeter(EtlInstruments.MeterName)
                .AddMeter(ResponseCacheInstruments.MeterName)
                .AddInstrumentation(provider => provider.GetRequiredService<EtlInstruments>())
                .KeepOwnHostMeters()
                .AddPrometheusExporter(o =>
                {
                    // Every scrape collects anew: a cached response would show an older ETL reading than the one just taken.
                    o.ScrapeResponseCacheDurationMilliseconds = 0;
                    // Each series carries its own labels only, not otel_scope_name and otel_scope_version besides.
                    o.ScopeInfoEnabled = false;
                }));

        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => context.Request.Path != ScrapePath)
                    .AddHttpClientInstrumentation()
                    .AddInfrastructureInstrumentation())
                .WithLogging(configureBuilder: null, configureOptions: o =>
                {
                    o.IncludeScopes = true;
                    o.IncludeFormattedMessage = true;
                })
                .UseOtlpExporter();
        }

        return services;
    }

    /// <summary>
    /// <c>GET /metrics</c>: the exporter's endpoint, behind a step that first refreshes the ETL reading (one query per
    /// scrape; while the database is down the reading says so and the scrape still answers 200).
    /// </summary>
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(ScrapePath, meterProvider: null, configureBranchedPipeline: RefreshEtlReadingFirst, optionsName: null)
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        return app;
    }

    private static void RefreshEtlReadingFirst(IApplicationBuilder scrape) =>
        scrape.Use(static async (context, next) =>
        {
            await context.RequestServices.GetRequiredService<EtlMetricsSnapshot>().RefreshAsync(context.RequestAborted);
            await next(context);
        });

    /// <summary>
    /// Meters are process-wide and a meter provider listens by meter name, so with two hosts in one process (the
    /// integration tests) each would export the other's requests and ETL readings. A meter created by another host's
    /// <see cref="IMeterFactory"/> is dropped; meters created without one (Npgsql's, the runtime's) have no scope and stay.
    /// </summary>
    private static MeterProviderBuilder KeepOwnHostMeters(this MeterProviderBuilder metrics)
    {
        // The view needs this host's IMeterFactory, known once the container is built; AddOpenTelemetry's builder is deferred.
        ((IDeferredMeterProviderBuilder)metrics).Configure((provider, builder) =>
        {
            var own = provider.GetRequiredService<IMeterFactory>();
            builder.AddView(instrument =>
                instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, own) ? MetricStreamConfiguration.Drop : null);
        });
        return metrics;
    }
}
