using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Common.Queries;
using Kasparro.Application.Runs.Ports;

namespace Kasparro.Application.Runs.GetRuns;

/// <summary><c>GET /v1/runs</c>: run history, newest first, with the query-string values as received.</summary>
public sealed record GetRunsQuery(string? Source = null, string? Limit = null, string? Offset = null, string? Cursor = null) : IRequest<RunPage>
{
    /// <summary>The list a runs cursor belongs to.</summary>
    public const string CursorKind = "runs";

    internal NewestFirstPage? Parse(IDictionary<string, List<string>> errors) =>
        NewestFirstPage.Parse(Source, Limit, Offset, Cursor, CursorKind, key => Guid.TryParseExact(key, "N", out _), errors);
}

public sealed record RunPage(IReadOnlyList<RunDto> Data, ListPagination Pagination);

public sealed class GetRunsHandler(IRunReader reader) : IRequestHandler<GetRunsQuery, RunPage>
{
    public async Task<RunPage> Handle(GetRunsQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = ParameterErrors.Create();
        var page = request.Parse(errors) ?? throw new RequestValidationException(errors.ToReadOnly());

        var rows = await reader.ReadPageAsync(page, cancellationToken);
        var (data, pagination) = page.Finish(rows.Rows, rows.Counted, GetRunsQuery.CursorKind, run => new PagePosition(run.StartedAt, run.Id.ToString("N")));
        return new RunPage(data, pagination);
    }
}
