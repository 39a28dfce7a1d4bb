using System.Runtime.CompilerServices;
using Kasparro.Application.Ingestion.Ports;
using Kasparro.Domain.Markets;
using Kasparro.Infrastructure.Sources.Api;
using Microsoft.Extensions.Logging;

namespace Kasparro.Infrastructure.Sources.CoinPaprika;

/// <summary>
/// The CoinPaprika source: one request for every ticker (<c>GET tickers?quotes=USD</c>), streamed item by item into
/// records of the <c>tickers</c> stream. Tickers whose <c>last_updated</c> has not moved since the last commit are
/// skipped; the stream's checkpoint rides on the last record. A market cap of 0 means unknown and is read as none.
/// </summary>
internal sealed partial class CoinPaprikaIngestionSource(
    Func<ICoinPaprikaClient> client, CoinPaprikaOptions options, TimeProvider time, ILogger<CoinPaprikaIngestionSource> logger) : IIngestionSource
{
    private static readonly ApiListing Listing = new(SourceNames.CoinPaprika, CoinPaprikaSchema.Stream, CoinPaprikaSchema.Tickers, ZeroMarketCapIsUnknown: true);

    public string Name => SourceNames.CoinPaprika;

    public int? PreferredBatchSize => ApiListing.BatchSize;

    public async IAsyncEnumerable<SourceItem> ReadAsync(SourceReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reader = ApiListingReader.Start(Listing, context, plannedPages: 1, options.DriftThreshold, logger);
        await using var response = await client().GetTickersAsync(cancellationToken);
        var fetchedAt = time.GetUtcNow();
        await foreach (var item in reader.ReadAsync(response, Listing.Stream, fetchedAt, static _ => true, cancellationToken))
        {
            yield return item;
        }

        LogRead(Name, response.Request, reader.Items, reader.Skipped, reader.Checkpoint!.Rows);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Source} {Request}: {Items} items, {Skipped} unchanged since the last run; {Ids} ids in the checkpoint")]
    private partial void LogRead(string source, string request, int items, long skipped, long ids);
}
