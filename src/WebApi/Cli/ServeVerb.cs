using System.Text.Json;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.WebApi.Caching;
using Kasparro.WebApi.Endpoints;
using Kasparro.WebApi.Endpoints.V1;
using Kasparro.WebApi.Hosting;
using Kasparro.WebApi.Http;
using Kasparro.WebApi.Observability;
using Kasparro.WebApi.OpenApi;
using Kasparro.WebApi.StatusPage;

namespace Kasparro.WebApi.Cli;

/// <summary><c>serve</c>: migrations, the ETL on start and on schedule, and the HTTP API.</summary>
public static partial class ServeVerb
{
    /// <summary>How long a request may take before it is answered 503; the database's own work is cancelled with it.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var settings = builder.AddKasparro(logsToStandardError: false);
        if (string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]) && string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls($"http://0.0.0.0:{settings.Port}");
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
        });

        var services = builder.Services;
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = null;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        });
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions.Remove("traceId");
            context.ProblemDetails.Extensions["request_id"] = context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddSingleton(ApiAccess.From(builder.Configuration));
        services.AddClientRateLimiting(builder.Configuration);
        services.AddKasparroMetrics(builder.Configuration);
        services.AddKasparroApiVersioning();
        services.AddKasparroOpenApi();
        // A body or parameter that cannot be bound throws in every environment (the framework's default throws only in
        // Development), so it gets this API's problem ("The request could not be read.") and not a bare 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddRequestTimeouts(o => o.DefaultPolicy = new Microsoft.AspNetCore.Http.Timeouts.RequestTimeoutPolicy
        {
            Timeout = RequestTimeout,
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        });

        services.AddSingleton<BackgroundRuns>();
        services.AddSingleton<IBackgroundRuns>(provider => provider.GetRequiredService<BackgroundRuns>());
        services.AddHostedService(provider => provider.GetRequiredService<BackgroundRuns>());
        services.AddHostedService<MigrateOnStartup>();
        services.AddReadCache(builder.Configuration);
        services.AddHostedService<EtlScheduler>();

        var app = builder.Build();
        app.UseMiddleware<RequestContextMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestLimitsMiddleware>();
        app.UseStatusPage();
        app.UseRouting();
        app.UseRequestTimeouts();
        app.UseRateLimiter();

        app.MapHealthEndpoints();
        app.MapV1();
        app.MapMetricsEndpoint();
        app.MapApiReference();
        WarnWhenOpen(app);
        return app;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = Build(args);
        await app.RunAsync();
        return 0;
    }

    private static void WarnWhenOpen(WebApplication app)
    {
        var access = app.Services.GetRequiredService<ApiAccess>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Kasparro.WebApi.Security");
        if (!access.KeysRequired)
        {
            LogReadsOpen(logger);
        }

        if (!access.AdminEnabled)
        {
            LogAdminDisabled(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API_KEYS is unset: /v1 reads are open to anyone who can reach this port")]
    private static partial void LogReadsOpen(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "ADMIN_TOKEN is unset: the admin endpoints (POST /v1/runs, identity review and corrections) answer 403")]
    private static partial void LogAdminDisabled(ILogger logger);
}
