using Kasparro.Application.Assets.Ports;
using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Common.Queries;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Assets;

/// <summary>
/// <c>{ticker_or_id}</c>, parsed: a UUID names one asset; anything else is a ticker (trimmed, upper-cased) and names the
/// primary asset of that ticker, the others sharing it being listed beside it.
/// </summary>
public sealed record AssetKey(Guid? Id, string? Ticker)
{
    public static Parsed<AssetKey> Parse(string? tickerOrId)
    {
        if (QueryText.TryParseGuid(tickerOrId, out var id))
        {
            return Parsed.Valid(new AssetKey(id, null));
        }

        var ticker = Domain.Markets.Ticker.Parse(tickerOrId, TickerAliases.None);
        return ticker.IsValid
            ? Parsed.Valid(new AssetKey(null, ticker.Value!.Value))
            : Parsed.Invalid(new AssetKey(null, null), $"must be an asset id (UUID) or a ticker: {ticker.Error}");
    }

    /// <summary>The asset's id and the other assets sharing its ticker (empty for a lookup by id); 404 when none.</summary>
    public async Task<(Guid Id, IReadOnlyList<Guid> Others)> LocateAsync(IAssetReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (Id is { } id)
        {
            return (id, []);
        }

        var ids = await reader.FindByTickerAsync(Ticker!, cancellationToken);
        return ids.Count > 0 ? (ids[0], ids.Skip(1).ToList()) : throw new NotFoundException("asset with ticker", Ticker!);
    }
}
