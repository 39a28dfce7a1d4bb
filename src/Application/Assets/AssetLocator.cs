using Kasparro.Application.Assets.Ports;
using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Common.Queries;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Assets;

/// <summary>
/// <c>{ticker_or_id}</c>: a UUID names one asset; anything else is a ticker (trimmed, upper-cased) and names the
/// primary asset of that ticker, the others sharing it being listed beside it.
/// </summary>
internal static class AssetLocator
{
    public static string? Validate(string? tickerOrId)
    {
        if (QueryText.TryParseGuid(tickerOrId, out _))
        {
            return null;
        }

        var ticker = Ticker.Parse(tickerOrId, TickerAliases.None);
        return ticker.IsValid ? null : $"must be an asset id (UUID) or a ticker: {ticker.Error}";
    }

    /// <summary>The asset's id and the other assets sharing its ticker (empty for a lookup by id); 404 when none.</summary>
    public static async Task<(Guid Id, IReadOnlyList<Guid> Others)> LocateAsync(IAssetReader reader, string tickerOrId, CancellationToken cancellationToken)
    {
        if (QueryText.TryParseGuid(tickerOrId, out var id))
        {
            return (id, []);
        }

        var parsed = Ticker.Parse(tickerOrId, TickerAliases.None);
        if (!parsed.IsValid)
        {
            throw new RequestValidationException(new Dictionary<string, string[]> { ["ticker_or_id"] = [Validate(tickerOrId)!] });
        }

        var ticker = parsed.Value!.Value;
        var ids = await reader.FindByTickerAsync(ticker, cancellationToken);
        return ids.Count > 0 ? (ids[0], ids.Skip(1).ToList()) : throw new NotFoundException("asset with ticker", ticker);
    }
}
