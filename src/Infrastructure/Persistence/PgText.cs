using System.Text;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// What PostgreSQL text and jsonb cannot hold, made storable, so one odd record cannot fail the batch it is in:
/// text refuses U+0000, jsonb refuses the escape <c>\u0000</c> and unpaired surrogate escapes.
/// </summary>
internal static class PgText
{
    private const char Replacement = '\uFFFD';

    /// <summary>The text with every U+0000 replaced by U+FFFD.</summary>
    public static string Clean(string text) => text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', Replacement) : text;

    public static string? CleanOrNull(string? text) => text is null ? null : Clean(text);

    /// <summary>
    /// JSON that jsonb accepts: <c>\u0000</c> and unpaired surrogate escapes become <c>\uFFFD</c>. Returns the input
    /// itself when nothing needed changing (the common case; only strings holding <c>\u</c> are scanned).
    /// </summary>
    public static string ToJsonb(string json)
    {
        if (!json.Contains("\\u", StringComparison.Ordinal))
        {
            return json;
        }

        StringBuilder? output = null;
        var copiedUpTo = 0;
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] != '\\' || i + 1 >= json.Length)
            {
                continue;
            }

            if (json[i + 1] != 'u' || !TryReadEscape(json, i, out var code))
            {
                i++; // any other escape: skip the escaped character (it may be a backslash)
                continue;
            }

            var length = 6;
            var bad = code == 0;
            if (char.IsHighSurrogate(code))
            {
                if (TryReadEscape(json, i + 6, out var low) && char.IsLowSurrogate(low))
                {
                    length = 12;
                }
                else
                {
                    bad = true;
                }
            }
            else if (char.IsLowSurrogate(code))
            {
                bad = true;
            }

            if (bad)
            {
                output ??= new StringBuilder(json.Length);
                output.Append(json, copiedUpTo, i - copiedUpTo).Append("\\ufffd");
                copiedUpTo = i + 6;
            }

            i += length - 1;
        }

        return output is null ? json : output.Append(json, copiedUpTo, json.Length - copiedUpTo).ToString();
    }

    private static bool TryReadEscape(string json, int at, out char code)
    {
        code = '\0';
        if (at + 6 > json.Length || json[at] != '\\' || json[at + 1] != 'u')
        {
            return false;
        }

        var value = 0;
        for (var k = at + 2; k < at + 6; k++)
        {
            var digit = Uri.IsHexDigit(json[k]) ? Uri.FromHex(json[k]) : -1;
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        code = (char)value;
        return true;
    }
}
