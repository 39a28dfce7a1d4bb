using System.Globalization;
using Kasparro.Application.Common.Queries;
using Kasparro.Application.Runs;
using Kasparro.Application.SchemaDrift.Ports;
using Kasparro.Application.SchemaDrift.Specifications;

namespace Kasparro.Application.SchemaDrift.GetSchemaDrift;

/// <summary><c>GET /v1/schema-drift</c>: drift events, newest first, paged like <c>/v1/runs</c>.</summary>
public sealed record GetSchemaDriftQuery(
    Parsed<IReadOnlyList<string>> Sources,
    Parsed<int> Limit,
    Parsed<int> Offset,
    Parsed<ListCursor<long>?> Cursor) : IRequest<SchemaDriftPage>, INewestFirstListQuery<long>
{
    public const string CursorKind = "schema-drift";

    public static GetSchemaDriftQuery Parse(string? source = null, string? limit = null, string? offset = null, string? cursor = null) =>
        new(QueryText.Sources(source), NewestFirstList.Limit(limit), NewestFirstList.Offset(offset), NewestFirstList.ParseCursor(cursor, CursorKind, NewestFirstList.ReadLongKey));
}

public sealed record SchemaDriftPage(IReadOnlyList<SchemaDriftEventDto> Data, ListPagination Pagination);

public sealed class GetSchemaDriftHandler(ISchemaDriftReader reader) : IRequestHandler<GetSchemaDriftQuery, SchemaDriftPage>
{
    public async Task<SchemaDriftPage> Handle(GetSchemaDriftQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var specification = new SchemaDriftPageSpecification(request.Sources.Value, request.Limit.Value, request.Offset.Value, request.Cursor.Value);
        var rows = await reader.ReadPageAsync(specification, NewestFirstList.MaxOffset + 1, cancellationToken);
        var (data, pagination) = NewestFirstList.Finish(
            request, GetSchemaDriftQuery.CursorKind, rows, e => (e.DetectedAt, e.Id.ToString(CultureInfo.InvariantCulture)));
        return new SchemaDriftPage(data, pagination);
    }
}
