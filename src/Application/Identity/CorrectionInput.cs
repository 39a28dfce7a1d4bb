using Kasparro.Application.Common.Queries;
using Kasparro.Domain.Assets;
using Kasparro.Domain.Markets;

namespace Kasparro.Application.Identity;

/// <summary>The parts of a correction's body, parsed once: asset ids, the mappings named, the reason.</summary>
public static class CorrectionInput
{
    public const int MaxMappings = 100;
    public const int MaxReasonLength = 500;
    public const int MaxSourceAssetIdLength = 200;

    public static Parsed<Guid> AssetId(string? text) =>
        QueryText.TryParseGuid(text, out var id) ? Parsed.Valid(id) : Parsed.Invalid(Guid.Empty, "must be an asset id (a UUID)");

    /// <summary>Why the operator corrects: required, kept in the decision record.</summary>
    public static Parsed<string> Reason(string? text) =>
        string.IsNullOrWhiteSpace(text) ? Parsed.Invalid(string.Empty, "is required: say why, it is kept in the decision record")
        : text.Trim().Length > MaxReasonLength ? Parsed.Invalid(string.Empty, $"must be at most {MaxReasonLength} characters")
        : Parsed.Valid(text.Trim());

    /// <summary>(source, source asset id) pairs: 1 to <see cref="MaxMappings"/>, each of a known source, none twice.</summary>
    public static Parsed<IReadOnlyList<SourceKey>> Mappings(IReadOnlyList<(string? Source, string? SourceAssetId)>? pairs)
    {
        if (pairs is null || pairs.Count == 0)
        {
            return Parsed.Invalid<IReadOnlyList<SourceKey>>([], "is required: a list of {\"source\", \"source_asset_id\"} to move");
        }

        if (pairs.Count > MaxMappings)
        {
            return Parsed.Invalid<IReadOnlyList<SourceKey>>([], $"must name at most {MaxMappings} mappings");
        }

        var keys = new List<SourceKey>(pairs.Count);
        var errors = new List<string>();
        foreach (var (index, (source, id)) in pairs.Index())
        {
            var name = source?.Trim().ToLowerInvariant();
            if (!SourceNames.IsKnown(name))
            {
                errors.Add($"[{index}].source must be one of {string.Join(", ", SourceNames.All)}");
            }
            else if (string.IsNullOrWhiteSpace(id) || id.Length > MaxSourceAssetIdLength)
            {
                errors.Add($"[{index}].source_asset_id must be 1 to {MaxSourceAssetIdLength} characters");
            }
            else if (keys.Contains(new SourceKey(name!, id)))
            {
                errors.Add($"[{index}] names {name}:{id} a second time");
            }
            else
            {
                keys.Add(new SourceKey(name!, id));
            }
        }

        return errors.Count > 0 ? Parsed.Invalid<IReadOnlyList<SourceKey>>([], [.. errors]) : Parsed.Valid<IReadOnlyList<SourceKey>>(keys);
    }

    /// <summary>An asset as a correction's record keeps it.</summary>
    internal static AssetState State(Guid assetId, Asset? asset, IEnumerable<AssetSourceMapping> mappings) =>
        new(assetId, asset?.Ticker.Value ?? string.Empty, asset?.Name, [.. mappings.OrderBy(m => m.Key.Source, StringComparer.Ordinal).ThenBy(m => m.Key.SourceAssetId, StringComparer.Ordinal)]);

    internal static IReadOnlyList<MovedMapping> Moved(IEnumerable<SourceKey> keys) =>
        [.. keys.Select(k => new MovedMapping(k.Source, k.SourceAssetId))];
}
