using System.Text.Json;
using Kasparro.WebApi.Endpoints;

namespace Kasparro.WebApi.Hosting;

/// <summary><c>serve</c>: migrations, the ETL on start and on schedule, and the HTTP API.</summary>
public static class ServeVerb
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var settings = builder.AddKasparro(logsToStandardError: false);
        if (string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]) && string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls($"http://0.0.0.0:{settings.Port}");
        }

        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = null;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddHostedService<MigrateOnStartup>();
        builder.Services.AddHostedService<EtlScheduler>();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthEndpoints();
        return app;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = Build(args);
        await app.RunAsync();
        return 0;
    }
}
