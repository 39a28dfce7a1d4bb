namespace Kasparro.Domain.Assets;

/// <summary>
/// How two names of coins sharing a ticker compare for identity: their similarity (Jaro-Winkler over the normalized
/// names, 1 when they are equal) and, when they differ, a <see cref="DistinguishingWords">distinguishing word</see>
/// one name has and the other lacks. A name differing by such a word is never the same coin by similarity alone.
/// </summary>
public readonly record struct NameMatch(decimal Similarity, string? DistinguishingWord)
{
    public bool DiffersByAWord => DistinguishingWord is not null;

    public static NameMatch Compare(string name, string otherName)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(otherName);
        var normalized = NameSimilarity.Normalize(name);
        var otherNormalized = NameSimilarity.Normalize(otherName);
        if (normalized.Length > 0 && string.Equals(normalized, otherNormalized, StringComparison.Ordinal))
        {
            return new NameMatch(1m, null);
        }

        var words = DistinguishingWords.Of(name);
        var otherWords = DistinguishingWords.Of(otherName);
        var differing = words.Except(otherWords).Concat(otherWords.Except(words)).Order(StringComparer.Ordinal).FirstOrDefault();
        return new NameMatch(NameSimilarity.Score(normalized, otherNormalized), differing);
    }
}
