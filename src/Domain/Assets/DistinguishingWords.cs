using System.Globalization;

namespace Kasparro.Domain.Assets;

/// <summary>
/// The words that make a coin another coin when one name has them and the other does not: "Coin", "Token", "Cash",
/// "Classic", "Wrapped", "Bridged", a version ("2.0", "V2"), a chain ("ETH", "BSC", "Ordinals"). Two names that share
/// a ticker and look alike but differ in these words are different coins far more often than the same one (Compound
/// and Compound Coin, Polkadot and Polkadot [IOU], Safe and SafeCoin in the recorded listings), so similarity alone
/// never joins them.
/// </summary>
public static class DistinguishingWords
{
    /// <summary>Words that distinguish on their own, compared normalized (lower-case letters and digits).</summary>
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        // What a coin is beside another of its name.
        "coin", "token", "cash", "classic", "chain", "wrapped", "bridged", "bridge", "peg", "pegged", "staked",
        "old", "new", "legacy", "futures", "iou", "pos", "pow",

        // Chains a copy of a token lives on.
        "ethereum", "eth", "erc20", "bsc", "bep20", "bep2", "bnb", "binance", "polygon", "matic", "arbitrum",
        "optimism", "avalanche", "avax", "solana", "sol", "tron", "trc20", "base", "fantom", "ftm", "heco", "hrc20",
        "waves", "qrc20", "omni", "ordinals", "brc20", "pulsechain", "wormhole", "ronin", "cronos", "celo", "klaytn",
        "harmony", "moonbeam", "moonriver", "gnosis", "xdai", "osmosis", "cosmos", "terra", "ton", "sui", "aptos",
        "zksync", "linea", "blast", "mantle", "scroll", "starknet", "kava", "metis", "aurora", "near",
    };

    /// <summary>Words a name often glues to the end of another word ("SafeCoin", "SakeToken", "Webchain").</summary>
    private static readonly string[] GluedSuffixes = ["coin", "token", "cash", "classic", "chain"];

    /// <summary>The distinguishing words of a name: its words of the list, its versions, and the suffixes glued to its other words.</summary>
    public static IReadOnlySet<string> Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in SplitWords(name))
        {
            if (Words.Contains(word) || IsVersion(word))
            {
                found.Add(word);
                continue;
            }

            var rest = word;
            for (var glued = GluedSuffix(rest); glued is not null; glued = GluedSuffix(rest))
            {
                found.Add(glued);
                rest = rest[..^glued.Length];
            }
        }

        return found;
    }

    /// <summary>
    /// A name's words, each normalized as <see cref="NameSimilarity.Normalize"/> does. Words are separated by anything but
    /// letters, digits and dots, so "2.0" and "Shopping.io" stay whole.
    /// </summary>
    public static IReadOnlyList<string> SplitWords(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var words = new List<string>();
        var start = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i == name.Length || !IsWordCharacter(name[i]))
            {
                if (i > start && NameSimilarity.Normalize(name[start..i]) is { Length: > 0 } word)
                {
                    words.Add(word);
                }

                start = i + 1;
            }
        }

        return words;
    }

    /// <summary>Letters, digits, dots, and the marks and invisible characters normalizing drops from inside a word.</summary>
    private static bool IsWordCharacter(char c) =>
        char.IsLetterOrDigit(c) || c == '.' || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.Format;

    /// <summary>"2", "20" (from "2.0"), "v2", "v3".</summary>
    private static bool IsVersion(string word)
    {
        var digits = word.StartsWith('v') ? word[1..] : word;
        return digits.Length > 0 && digits.All(char.IsAsciiDigit);
    }

    /// <summary>A suffix glued to a longer word, leaving at least two letters before it ("bitcoin" ends in "coin").</summary>
    private static string? GluedSuffix(string word) =>
        GluedSuffixes.FirstOrDefault(s => word.Length >= s.Length + 2 && word.EndsWith(s, StringComparison.Ordinal));
}
