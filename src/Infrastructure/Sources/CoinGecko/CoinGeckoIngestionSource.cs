using System.Globalization;
using System.Runtime.CompilerServices;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Markets;
using Kasparro.Infrastructure.Sources.Api;
using Microsoft.Extensions.Logging;

namespace Kasparro.Infrastructure.Sources.CoinGecko;

/// <summary>
/// The CoinGecko source: <c>GET coins/markets</c> page by page (by market cap, <see cref="CoinGeckoOptions.PageSize"/>
/// coins a page) until a short page or <see cref="CoinGeckoOptions.PageLimit"/> pages, each streamed item by item into
/// records of the <c>markets</c> stream. Coins whose <c>last_updated</c> has not moved are skipped. Each page's last
/// record carries the stream's checkpoint, so a later page that fails leaves the earlier ones committed with their checkpoint.
/// </summary>
internal sealed partial class CoinGeckoIngestionSource(
    Func<ICoinGeckoClient> client, CoinGeckoOptions options, TimeProvider time, ILogger<CoinGeckoIngestionSource> logger) : IIngestionSource
{
    private static readonly ApiListing Listing = new(SourceNames.CoinGecko, CoinGeckoSchema.Stream, CoinGeckoSchema.Markets, ZeroMarketCapIsUnknown: false);

    public string Name => SourceNames.CoinGecko;

    public int? PreferredBatchSize => ApiListing.BatchSize;

    public async IAsyncEnumerable<SourceItem> ReadAsync(SourceReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reader = ApiListingReader.Start(Listing, context, options.PageLimit, options.DriftThreshold, logger);
        var markets = client();
        for (var page = 1; page <= options.PageLimit; page++)
        {
            await using var response = await markets.GetMarketsPageAsync(page, options.PageSize, cancellationToken);
            var fetchedAt = time.GetUtcNow();
            var reference = string.Create(CultureInfo.InvariantCulture, $"{Listing.Stream}?page={page}");
            var isLast = page == options.PageLimit;
            await foreach (var item in reader.ReadAsync(response, reference, fetchedAt, items => isLast || items < options.PageSize, cancellationToken))
            {
                yield return item;
            }

            LogPage(Name, page, reader.Items, reader.Skipped, reader.Checkpoint!.Rows);
            if (isLast || reader.Items < options.PageSize)
            {
                yield break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Source} markets page {Page}: {Items} items, {Skipped} unchanged since the last run; {Ids} ids in the checkpoint")]
    private partial void LogPage(string source, int page, int items, long skipped, long ids);
}
