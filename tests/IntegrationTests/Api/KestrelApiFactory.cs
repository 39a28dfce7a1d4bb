using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Kasparro.IntegrationTests.Api;

/// <summary>
/// The app on Kestrel at 127.0.0.1 on a free port, for a real browser (which cannot reach the in-memory test server).
/// Subclasses add settings in <see cref="AppSettings"/> and rows in <see cref="SeedRowsAsync"/>, written before it serves.
/// </summary>
public class KestrelApiFactory : ApiFactory
{
    public string BaseAddress { get; private set; } = string.Empty;

    protected sealed override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(AppSettings) { ["urls"] = "http://127.0.0.1:0" };

    protected virtual IReadOnlyDictionary<string, string?> AppSettings { get; } = new Dictionary<string, string?>();

    protected virtual Task SeedRowsAsync() => Task.CompletedTask;

    protected sealed override async Task SeedAsync()
    {
        await base.SeedAsync();
        await SeedRowsAsync();
        UseKestrel();
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = addresses.First().TrimEnd('/') + "/";
    }
}
