using Kasparro.Application.Assets.Ports;
using Kasparro.Application.Common.Queries;

namespace Kasparro.Application.Assets.GetAssetHistory;

/// <summary>
/// <c>GET /v1/assets/{ticker_or_id}/history</c>: the asset's price series per source between <c>from</c> and <c>to</c>,
/// as open/high/low/close per <c>interval</c> bucket (<c>raw</c>: every quote as it was stored).
/// </summary>
public sealed record GetAssetHistoryQuery(
    Parsed<AssetKey> Key,
    Parsed<IReadOnlyList<string>> Sources,
    Parsed<DateTimeOffset?> From,
    Parsed<DateTimeOffset?> To,
    Parsed<string> Interval) : IRequest<AssetHistory>
{
    /// <summary>At most this many points per response; narrow the range or widen the interval for more.</summary>
    public const int MaxPoints = 5_000;

    public const string DefaultInterval = "1d";

    /// <summary>The accepted intervals and their bucket widths (<c>raw</c> has none).</summary>
    public static IReadOnlyDictionary<string, TimeSpan?> Intervals { get; } = new Dictionary<string, TimeSpan?>(StringComparer.Ordinal)
    {
        ["raw"] = null,
        ["5m"] = TimeSpan.FromMinutes(5),
        ["15m"] = TimeSpan.FromMinutes(15),
        ["1h"] = TimeSpan.FromHours(1),
        ["4h"] = TimeSpan.FromHours(4),
        ["1d"] = TimeSpan.FromDays(1),
        ["1w"] = TimeSpan.FromDays(7),
    };

    public static GetAssetHistoryQuery Parse(string? tickerOrId, string? source = null, string? from = null, string? to = null, string? interval = null) =>
        new(
            AssetKey.Parse(tickerOrId),
            QueryText.Sources(source),
            QueryText.Timestamp(from),
            QueryText.Timestamp(to),
            interval is null ? Parsed.Absent(DefaultInterval)
            : Intervals.ContainsKey(interval.Trim().ToLowerInvariant()) ? Parsed.Valid(interval.Trim().ToLowerInvariant())
            : Parsed.Invalid(DefaultInterval, $"must be one of {string.Join(", ", Intervals.Keys)}"));
}

/// <summary>What to read: which sources (empty: all), which range (inclusive; null: open), which bucket width.</summary>
public sealed record HistorySelection(IReadOnlyList<string> Sources, DateTimeOffset? From, DateTimeOffset? To, TimeSpan? Bucket, int Limit);

/// <summary>One bucket of one source: its first and last price, the extremes, and how many quotes fell in it.</summary>
public sealed record HistoryPoint(string Source, DateTimeOffset Time, decimal Open, decimal High, decimal Low, decimal Close, int Quotes);

/// <param name="Truncated">True when more points matched than <see cref="GetAssetHistoryQuery.MaxPoints"/>; the oldest are returned.</param>
public sealed record AssetHistory(Guid AssetId, string Interval, IReadOnlyList<HistoryPoint> Points, bool Truncated);

public sealed class GetAssetHistoryHandler(IAssetReader reader) : IRequestHandler<GetAssetHistoryQuery, AssetHistory>
{
    public async Task<AssetHistory> Handle(GetAssetHistoryQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (id, _) = await request.Key.Value.LocateAsync(reader, cancellationToken);
        var interval = request.Interval.Value;
        var selection = new HistorySelection(
            request.Sources.Value, request.From.Value, request.To.Value, GetAssetHistoryQuery.Intervals[interval], GetAssetHistoryQuery.MaxPoints + 1);

        var points = await reader.ReadHistoryAsync(id, selection, cancellationToken);
        var truncated = points.Count > GetAssetHistoryQuery.MaxPoints;
        return new AssetHistory(id, interval, truncated ? points.Take(GetAssetHistoryQuery.MaxPoints).ToList() : points, truncated);
    }
}
