using Kasparro.IntegrationTests.Api.Metrics;

namespace Kasparro.IntegrationTests.Api.Caching;

/// <summary>What the cache tests read from a server's <c>/metrics</c>, and waiting for it with a deadline.</summary>
internal static class CacheProbe
{
    public static async Task<double> MetricAsync(this HttpClient client, string name, params (string Name, string Value)[] labels) =>
        (await client.ScrapeAsync()).Sum(name, labels);

    /// <summary>Polls <paramref name="condition"/> until it holds, doing <paramref name="between"/> between tries; fails after <paramref name="within"/> (30 s).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, Action? between = null, TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            deadline.IsCancellationRequested.ShouldBeFalse($"timed out waiting until {what}");
            between?.Invoke();
            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    /// <summary>Until the app hears of stored changes; its fake clock moves on meanwhile, so a retry delay passes.</summary>
    public static Task UntilListeningAsync(this ApiFactory api, HttpClient client) =>
        UntilAsync(async () => await client.MetricAsync("data_changes_listening") == 1, "the app listens for data changes", () => api.Time.Advance(TimeSpan.FromSeconds(1)));
}
