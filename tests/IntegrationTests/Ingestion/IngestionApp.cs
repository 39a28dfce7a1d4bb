using Kasparro.Application;
using Kasparro.Application.Ingestion;
using Kasparro.Application.Ingestion.RunIngestion;
using Kasparro.Domain.Ingestion;
using Kasparro.Infrastructure;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kasparro.IntegrationTests.Ingestion;

/// <summary>The application as the hosts compose it, in process, against a test database.</summary>
internal sealed class IngestionApp : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public IngestionApp(string connectionString, string csvPath, int batchSize = 1_000)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DATABASE_URL"] = connectionString, ["CSV_PATH"] = csvPath })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddApplication(new IngestionSettings { BatchSize = batchSize });
        services.AddInfrastructure(configuration);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public async Task<TResponse> SendAsync<TResponse>(IRequest<TResponse> request)
    {
        await using var scope = _provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, CancellationToken.None);
    }

    public async Task<SourceRunResult> IngestCsvAsync(string? csvPath = null, long? failAfter = null) =>
        (await SendAsync(new RunIngestionCommand(["csv"], RunTrigger.Cli, csvPath, failAfter))).Runs.Single();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
