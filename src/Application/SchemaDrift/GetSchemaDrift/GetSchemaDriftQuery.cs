using System.Globalization;
using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Common.Queries;
using Kasparro.Application.Runs;
using Kasparro.Application.SchemaDrift.Ports;

namespace Kasparro.Application.SchemaDrift.GetSchemaDrift;

/// <summary><c>GET /v1/schema-drift</c>: drift events, newest first, paged like <c>/v1/runs</c>.</summary>
public sealed record GetSchemaDriftQuery(string? Source = null, string? Limit = null, string? Offset = null, string? Cursor = null)
    : IRequest<SchemaDriftPage>
{
    public const string CursorKind = "schema-drift";

    internal NewestFirstPage? Parse(IDictionary<string, List<string>> errors) =>
        NewestFirstPage.Parse(Source, Limit, Offset, Cursor, CursorKind, key => long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _), errors);
}

public sealed record SchemaDriftPage(IReadOnlyList<SchemaDriftEventDto> Data, ListPagination Pagination);

public sealed class GetSchemaDriftHandler(ISchemaDriftReader reader) : IRequestHandler<GetSchemaDriftQuery, SchemaDriftPage>
{
    public async Task<SchemaDriftPage> Handle(GetSchemaDriftQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = ParameterErrors.Create();
        var page = request.Parse(errors) ?? throw new RequestValidationException(errors.ToReadOnly());

        var rows = await reader.ReadPageAsync(page, cancellationToken);
        var (data, pagination) = page.Finish(
            rows.Rows, rows.Counted, GetSchemaDriftQuery.CursorKind, e => new PagePosition(e.DetectedAt, e.Id.ToString(CultureInfo.InvariantCulture)));
        return new SchemaDriftPage(data, pagination);
    }
}
