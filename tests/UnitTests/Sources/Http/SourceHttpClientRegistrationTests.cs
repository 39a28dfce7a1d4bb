using System.Net;
using Kasparro.Infrastructure.Sources.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace Kasparro.UnitTests.Sources.Http;

public sealed class SourceHttpClientRegistrationTests
{
    [Fact]
    public void AddSourceHttpClient_WhenResolved_ChainsOneResilienceHandlerOverASocketsHandlerThatFollowsNoRedirect()
    {
        var settings = TestSettings.Create(key: "registration-key");
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(new TestClock());
        services.AddSourceHttpClient<IProbeClient, ProbeClient>(settings);
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IProbeClient>().Http;
        var chain = Chain(provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(settings.Source));

        client.BaseAddress.ShouldBe(settings.BaseUrl);
        client.Timeout.ShouldBe(Timeout.InfiniteTimeSpan);
        client.DefaultRequestHeaders.GetValues("Authorization").ShouldBe(["registration-key"]);
        chain.OfType<ResilienceHandler>().Count().ShouldBe(1);
        var primary = chain[^1].ShouldBeOfType<SocketsHttpHandler>();
        primary.AutomaticDecompression.ShouldBe(DecompressionMethods.All);
        primary.PooledConnectionLifetime.ShouldBe(TimeSpan.FromMinutes(5));
        primary.ConnectTimeout.ShouldBe(TimeSpan.FromSeconds(10));
        primary.AllowAutoRedirect.ShouldBeFalse();
    }

    private static List<HttpMessageHandler> Chain(HttpMessageHandler handler)
    {
        var chain = new List<HttpMessageHandler> { handler };
        while (chain[^1] is DelegatingHandler { InnerHandler: { } inner })
        {
            chain.Add(inner);
        }

        return chain;
    }
}
