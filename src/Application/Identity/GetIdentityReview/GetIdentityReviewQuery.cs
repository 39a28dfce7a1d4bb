using System.Globalization;
using Kasparro.Application.Common.Queries;
using Kasparro.Application.Identity.Ports;

namespace Kasparro.Application.Identity.GetIdentityReview;

/// <summary>
/// <c>GET /v1/identity/review</c>: the identity decisions an operator should look at, each with its evidence: mappings
/// less sure than <c>below</c>, tickers held by several assets, and assets whose sources' latest prices differ by more
/// than <c>price_factor</c>.
/// </summary>
public sealed record GetIdentityReviewQuery(Parsed<decimal> Below, Parsed<decimal> PriceFactor, Parsed<int> Limit) : IRequest<IdentityReview>
{
    public const decimal DefaultBelow = 0.95m;
    public const decimal DefaultPriceFactor = 1.5m;
    public const decimal MaxPriceFactor = 1_000_000m;
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;

    public static GetIdentityReviewQuery Parse(string? below = null, string? priceFactor = null, string? limit = null) =>
        new(
            Number(below, DefaultBelow, v => v is > 0m and <= 1m, "must be a number above 0 and at most 1 (plain decimal, e.g. 0.95)"),
            Number(priceFactor, DefaultPriceFactor, v => v is > 1m and <= MaxPriceFactor, "must be a number above 1 (plain decimal, e.g. 1.5)"),
            QueryText.WholeNumber(limit, 1, MaxLimit, DefaultLimit, $"must be a whole number from 1 to {MaxLimit}"));

    private static Parsed<decimal> Number(string? text, decimal absent, Func<decimal, bool> allowed, string error) =>
        text is null ? Parsed.Absent(absent)
        : text.Length is > 0 and <= 16 && text.All(c => char.IsAsciiDigit(c) || c == '.')
          && decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && allowed(value)
            ? Parsed.Valid(value)
            : Parsed.Invalid(absent, error);
}

/// <summary>The three lists (each at most <c>limit</c> long) and the thresholds they were drawn with.</summary>
public sealed record IdentityReview(
    IReadOnlyList<ReviewedMapping> LowConfidence,
    IReadOnlyList<SharedTicker> SharedTickers,
    IReadOnlyList<PriceDisagreement> PriceDisagreements,
    decimal Below,
    decimal PriceFactor,
    int Limit);

public sealed class GetIdentityReviewHandler(IIdentityReviewReader reader) : IRequestHandler<GetIdentityReviewQuery, IdentityReview>
{
    public async Task<IdentityReview> Handle(GetIdentityReviewQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (below, factor, limit) = (request.Below.Value, request.PriceFactor.Value, request.Limit.Value);
        var low = await reader.LowConfidenceAsync(below, limit, cancellationToken);
        var shared = await reader.SharedTickersAsync(limit, cancellationToken);
        var prices = await reader.PriceDisagreementsAsync(factor, limit, cancellationToken);
        return new IdentityReview(low, shared, prices, below, factor, limit);
    }
}
