using Kasparro.Application.Runs;
using Kasparro.Application.SchemaDrift;
using Kasparro.Application.SchemaDrift.GetSchemaDrift;
using Kasparro.WebApi.Caching;
using Microsoft.AspNetCore.Mvc;

namespace Kasparro.WebApi.Endpoints.V1;

/// <summary><c>GET /v1/schema-drift</c>: every schema drift a source detected, newest first.</summary>
public static class SchemaDriftEndpoints
{
    public static RouteGroupBuilder MapSchemaDriftEndpoints(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapGet("/schema-drift", GetSchemaDrift)
            .WithName(nameof(GetSchemaDrift))
            .WithTags("Operations")
            .WithSummary("Schema drift events")
            .WithDescription(
                "Drift events, newest first (by detected_at): the expected field, the field observed instead, the fuzzy match's "
                + "confidence and what the run did. Filter with `source` (one or a comma list); page with `limit` (1-500, default "
                + "50) and either `offset` (up to 10,000) or the opaque `cursor` from `pagination.next_cursor`.")
            .ProducesValidationProblem();
        return v1;
    }

    public static Task<CachedRead<SchemaDriftResponse>> GetSchemaDrift(
        ReadCache cache,
        HttpContext context,
        [FromQuery(Name = "source")] string? source,
        [FromQuery(Name = "limit")] string? limit,
        [FromQuery(Name = "offset")] string? offset,
        [FromQuery(Name = "cursor")] string? cursor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.AnswerAsync(
            context,
            GetSchemaDriftQuery.Parse(source, limit, offset, cursor),
            (SchemaDriftPage page, ResponseMeta meta) => new SchemaDriftResponse(page.Data, page.Pagination, meta),
            cancellationToken);
    }

    public sealed record SchemaDriftResponse(IReadOnlyList<SchemaDriftEventDto> Data, ListPagination Pagination, ResponseMeta Meta);
}
