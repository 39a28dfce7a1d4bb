namespace Kasparro.Domain.Markets;

/// <summary>Symbols some sources use for a coin whose ticker is another (XBT is BTC). The table itself is data.</summary>
public sealed class TickerAliases
{
    private readonly Dictionary<string, string> _aliases;

    public TickerAliases(IEnumerable<KeyValuePair<string, string>> aliases)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        _aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (alias, ticker) in aliases)
        {
            _aliases[alias.Trim().ToUpperInvariant()] = ticker.Trim().ToUpperInvariant();
        }
    }

    public static TickerAliases None { get; } = new([]);

    public string Resolve(string upperSymbol) => _aliases.GetValueOrDefault(upperSymbol, upperSymbol);
}
