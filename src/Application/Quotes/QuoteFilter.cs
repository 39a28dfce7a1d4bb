using System.Globalization;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Quotes;

/// <summary>The filters of <c>/v1/data</c>; empty lists and nulls mean "any".</summary>
public sealed record QuoteFilter(
    IReadOnlyList<string> Tickers,
    Guid? AssetId,
    IReadOnlyList<string> Sources,
    DateTimeOffset? From,
    DateTimeOffset? To)
{
    public static QuoteFilter None { get; } = new([], null, [], null, null);

    /// <summary>A short stable text of the filter; a cursor carries it so it cannot be replayed under other filters.</summary>
    public string Fingerprint()
    {
        var text = string.Join(
            '|',
            string.Join(',', Tickers.Order(StringComparer.Ordinal)),
            AssetId?.ToString("N") ?? string.Empty,
            string.Join(',', Sources.Order(StringComparer.Ordinal)),
            From?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            To?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        return OpaqueCursor.Fingerprint(text);
    }
}
