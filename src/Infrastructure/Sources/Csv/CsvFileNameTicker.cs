using System.Buffers;

namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>
/// The ticker a per-coin export carries in its file name: the token before <c>-usd</c>, as in
/// <c>btc-usd-max.csv</c> → <c>btc</c> and <c>coingecko_btc-usd-max.csv</c> → <c>btc</c>. <c>-usd</c> must end
/// there (<c>btc-usdt.csv</c> is priced in another currency and names no ticker).
/// </summary>
internal static class CsvFileNameTicker
{
    private const int MaxLength = 32;
    private static readonly SearchValues<char> TokenSeparators = SearchValues.Create("_-. ");
    private static readonly SearchValues<char> TickerCharacters =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    public static string? From(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName.AsSpan());
        for (var at = stem.IndexOf("-usd", StringComparison.OrdinalIgnoreCase); at >= 0;)
        {
            var after = at + 4;
            if (after == stem.Length || !char.IsAsciiLetterOrDigit(stem[after]))
            {
                var before = stem[..at];
                var token = before[(before.LastIndexOfAny(TokenSeparators) + 1)..];
                return token.Length is > 0 and <= MaxLength && !token.ContainsAnyExcept(TickerCharacters) ? token.ToString() : null;
            }

            var next = stem[after..].IndexOf("-usd", StringComparison.OrdinalIgnoreCase);
            at = next < 0 ? -1 : after + next;
        }

        return null;
    }
}
