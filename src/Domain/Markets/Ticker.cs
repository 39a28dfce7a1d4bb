using System.Globalization;
using System.Text;
using Kasparro.Domain.Common;

namespace Kasparro.Domain.Markets;

/// <summary>
/// The unified ticker: the source symbol with invisible format characters removed, trimmed, upper-cased
/// (invariant culture) and passed through the alias table. Empty, over-long and control-character symbols are refused.
/// </summary>
public readonly record struct Ticker
{
    public const int MaxLength = 32;

    private Ticker(string value) => Value = value;

    public string Value { get; }

    public static Validated<Ticker> Parse(string? symbol, TickerAliases aliases)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        if (symbol is null)
        {
            return Validated<Ticker>.Fail("symbol is missing");
        }

        var visible = RemoveFormatCharacters(symbol).Trim();
        if (visible.Length == 0)
        {
            return Validated<Ticker>.Fail("symbol is empty");
        }

        foreach (var c in visible)
        {
            if (char.IsControl(c))
            {
                return Validated<Ticker>.Fail("symbol contains a control character");
            }
        }

        if (visible.Length > MaxLength)
        {
            return Validated<Ticker>.Fail($"symbol is longer than {MaxLength} characters");
        }

        return Validated<Ticker>.Ok(new Ticker(aliases.Resolve(visible.ToUpperInvariant())));
    }

    /// <summary>Restores a ticker that was validated before it was stored.</summary>
    public static Ticker FromStored(string value) => new(value);

    public override string ToString() => Value;

    internal static string RemoveFormatCharacters(string text)
    {
        var hasFormat = false;
        foreach (var c in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                hasFormat = true;
                break;
            }
        }

        if (!hasFormat)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.Format)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
