using Kasparro.Application.Identity;
using Kasparro.Application.Identity.GetAssetDecisions;
using Kasparro.Application.Identity.GetIdentityReview;
using Kasparro.Application.Identity.MergeAssets;
using Kasparro.Application.Identity.SplitAsset;
using Kasparro.WebApi.Http;
using Microsoft.AspNetCore.Mvc;

namespace Kasparro.WebApi.Endpoints.V1;

/// <summary>
/// The identity review and corrections, admin only (<see cref="AdminTokenFilter"/>): what to look at, split and merge,
/// and every asset's decision records.
/// </summary>
public static class IdentityEndpoints
{
    public static RouteGroupBuilder MapIdentityEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/identity/review", GetIdentityReview)
            .WithName(nameof(GetIdentityReview))
            .WithTags("Identity")
            .WithSummary("Identity decisions to review")
            .WithDescription(
                "Mappings less sure than `below` (0.95 by default), least sure first; tickers held by several assets; assets whose "
                + "sources' latest quotes (within 24 hours of the newest) differ in price by more than `price_factor` (1.5 by default). "
                + "Each with its evidence: names, market caps, prices, method and confidence. At most `limit` (100) of each.")
            .Produces<IdentityReviewResponse>();
        admin.MapPost("/assets/{id}/split", SplitAsset)
            .WithName(nameof(SplitAsset))
            .WithTags("Identity")
            .WithSummary("Split mappings off an asset")
            .WithDescription(
                "Moves the named mappings of the asset, with their quotes, to a new asset (ticker and name of their newest quote) in "
                + "one transaction, and records the decision. The moved mappings become `manual`: no automatic run moves them again. "
                + "Made again, the same split changes nothing (`changed: false`). 409 when the new asset would hold two ids of one "
                + "catalog source, when a named mapping is on another asset, when nothing would stay, or while a run of a moved source is in progress.")
            .Accepts<SplitRequest>("application/json")
            .Produces<CorrectionResponse>();
        admin.MapPost("/assets/merge", MergeAssets)
            .WithName(nameof(MergeAssets))
            .WithTags("Identity")
            .WithSummary("Merge one asset into another")
            .WithDescription(
                "Moves every mapping and quote of `from` onto `into` in one transaction, removes `from`, and records the decision. "
                + "Made again, the same merge changes nothing (`changed: false`). 409 when the two hold ids of one catalog source "
                + "(`mappings` names them), or while a run of a moved source is in progress.")
            .Accepts<MergeRequest>("application/json")
            .Produces<CorrectionResponse>();
        admin.MapGet("/assets/{id}/decisions", GetAssetDecisions)
            .WithName(nameof(GetAssetDecisions))
            .WithTags("Identity")
            .WithSummary("An asset's identity decisions")
            .WithDescription(
                "Every decision about the asset, newest first: each mapping the resolver made (`map`), and the splits and merges "
                + "it took part in, with before and after, method, confidence, who (`resolver`, or `admin:` and a fingerprint of the "
                + "token), why and when. An asset merged away keeps its records.")
            .Produces<AssetDecisionsResponse>();
        return admin;
    }

    public static async Task<IResult> GetIdentityReview(
        IMediator mediator,
        HttpContext context,
        [FromQuery(Name = "below")] string? below,
        [FromQuery(Name = "price_factor")] string? priceFactor,
        [FromQuery(Name = "limit")] string? limit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mediator);
        var review = await mediator.Send(GetIdentityReviewQuery.Parse(below, priceFactor, limit), cancellationToken);
        return TypedResults.Ok(new IdentityReviewResponse(
            review.LowConfidence,
            review.SharedTickers,
            review.PriceDisagreements,
            new ReviewThresholds(review.Below, review.PriceFactor, review.Limit),
            ResponseMeta.Of(context)));
    }

    public static async Task<IResult> SplitAsset(
        IMediator mediator, HttpContext context, [FromRoute(Name = "id")] string id, SplitRequest? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mediator);
        var mappings = body?.Mappings?.Select(m => (m?.Source, m?.SourceAssetId)).ToList();
        var result = await mediator.Send(SplitAssetCommand.Parse(id, mappings, body?.Reason, AdminTokenFilter.Operator(context)), cancellationToken);
        return TypedResults.Ok(CorrectionResponse.Of(result, context));
    }

    public static async Task<IResult> MergeAssets(IMediator mediator, HttpContext context, MergeRequest? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mediator);
        var result = await mediator.Send(MergeAssetsCommand.Parse(body?.From, body?.Into, body?.Reason, AdminTokenFilter.Operator(context)), cancellationToken);
        return TypedResults.Ok(CorrectionResponse.Of(result, context));
    }

    public static async Task<IResult> GetAssetDecisions(
        IMediator mediator, HttpContext context, [FromRoute(Name = "id")] string id, [FromQuery(Name = "limit")] string? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mediator);
        var decisions = await mediator.Send(GetAssetDecisionsQuery.Parse(id, limit), cancellationToken);
        return TypedResults.Ok(new AssetDecisionsResponse(decisions.AssetId, decisions.Exists, decisions.Decisions, decisions.Truncated, ResponseMeta.Of(context)));
    }

    /// <summary>The mappings to move (<c>source</c>, <c>source_asset_id</c>) and why.</summary>
    public sealed record SplitRequest(IReadOnlyList<MappingReference?>? Mappings, string? Reason);

    public sealed record MappingReference(string? Source, string? SourceAssetId);

    /// <summary>The asset folded in (<c>from</c>), the one kept (<c>into</c>), and why.</summary>
    public sealed record MergeRequest(string? From, string? Into, string? Reason);

    public sealed record IdentityReviewResponse(
        IReadOnlyList<ReviewedMapping> LowConfidence,
        IReadOnlyList<SharedTicker> SharedTickers,
        IReadOnlyList<PriceDisagreement> PriceDisagreements,
        ReviewThresholds Thresholds,
        ResponseMeta Meta);

    public sealed record ReviewThresholds(decimal Below, decimal PriceFactor, int Limit);

    public sealed record AssetDecisionsResponse(Guid AssetId, bool Exists, IReadOnlyList<IdentityDecisionView> Data, bool Truncated, ResponseMeta Meta);

    /// <param name="AssetId">The asset split, or the one merged into.</param>
    /// <param name="OtherAssetId">The asset the split created, or the one merged away.</param>
    public sealed record CorrectionResponse(
        Guid AssetId, Guid OtherAssetId, IReadOnlyList<MovedMapping> Moved, long QuotesMoved, long? DecisionId, bool Changed, ResponseMeta Meta)
    {
        public static CorrectionResponse Of(CorrectionResult result, HttpContext context)
        {
            ArgumentNullException.ThrowIfNull(result);
            return new(result.AssetId, result.OtherAssetId, result.Moved, result.QuotesMoved, result.DecisionId, result.Changed, ResponseMeta.Of(context));
        }
    }
}
