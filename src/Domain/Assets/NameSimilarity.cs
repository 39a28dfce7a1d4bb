using System.Globalization;
using System.Text;

namespace Kasparro.Domain.Assets;

/// <summary>
/// Name comparison for identity resolution: names are normalized (diacritics and invisible characters dropped,
/// letters and digits only, lower-case) and compared with Jaro-Winkler similarity in [0, 1].
/// </summary>
public static class NameSimilarity
{
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (char.IsLetterOrDigit(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    public static decimal Score(string normalizedA, string normalizedB)
    {
        ArgumentNullException.ThrowIfNull(normalizedA);
        ArgumentNullException.ThrowIfNull(normalizedB);
        if (normalizedA.Length == 0 || normalizedB.Length == 0)
        {
            return 0m;
        }

        if (string.Equals(normalizedA, normalizedB, StringComparison.Ordinal))
        {
            return 1m;
        }

        var jaro = Jaro(normalizedA, normalizedB);
        var prefix = 0;
        var maxPrefix = Math.Min(4, Math.Min(normalizedA.Length, normalizedB.Length));
        while (prefix < maxPrefix && normalizedA[prefix] == normalizedB[prefix])
        {
            prefix++;
        }

        var winkler = jaro + (prefix * 0.1 * (1 - jaro));
        return Math.Round((decimal)winkler, 4, MidpointRounding.AwayFromZero);
    }

    private static double Jaro(string a, string b)
    {
        var window = Math.Max(0, (Math.Max(a.Length, b.Length) / 2) - 1);
        var aMatched = new bool[a.Length];
        var bMatched = new bool[b.Length];
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var from = Math.Max(0, i - window);
            var to = Math.Min(b.Length - 1, i + window);
            for (var j = from; j <= to; j++)
            {
                if (!bMatched[j] && a[i] == b[j])
                {
                    aMatched[i] = true;
                    bMatched[j] = true;
                    matches++;
                    break;
                }
            }
        }

        if (matches == 0)
        {
            return 0;
        }

        var transpositions = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!aMatched[i])
            {
                continue;
            }

            while (!bMatched[k])
            {
                k++;
            }

            if (a[i] != b[k])
            {
                transpositions++;
            }

            k++;
        }

        double m = matches;
        return ((m / a.Length) + (m / b.Length) + ((m - (transpositions / 2.0)) / m)) / 3.0;
    }
}
