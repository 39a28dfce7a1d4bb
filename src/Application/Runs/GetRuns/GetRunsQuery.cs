using Kasparro.Application.Common.Queries;
using Kasparro.Application.Runs.Ports;
using Kasparro.Application.Runs.Specifications;

namespace Kasparro.Application.Runs.GetRuns;

/// <summary><c>GET /v1/runs</c>: run history, newest first, each query-string value parsed once by <see cref="Parse"/>.</summary>
public sealed record GetRunsQuery(
    Parsed<IReadOnlyList<string>> Sources,
    Parsed<int> Limit,
    Parsed<int> Offset,
    Parsed<ListCursor<Guid>?> Cursor) : IRequest<RunPage>, INewestFirstListQuery<Guid>
{
    /// <summary>The list a runs cursor belongs to.</summary>
    public const string CursorKind = "runs";

    public static GetRunsQuery Parse(string? source = null, string? limit = null, string? offset = null, string? cursor = null) =>
        new(QueryText.Sources(source), NewestFirstList.Limit(limit), NewestFirstList.Offset(offset), NewestFirstList.ParseCursor(cursor, CursorKind, NewestFirstList.ReadGuidKey));
}

public sealed record RunPage(IReadOnlyList<RunDto> Data, ListPagination Pagination);

public sealed class GetRunsHandler(IRunReader reader) : IRequestHandler<GetRunsQuery, RunPage>
{
    public async Task<RunPage> Handle(GetRunsQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var specification = new RunPageSpecification(request.Sources.Value, request.Limit.Value, request.Offset.Value, request.Cursor.Value);
        var rows = await reader.ReadPageAsync(specification, NewestFirstList.MaxOffset + 1, cancellationToken);
        var (data, pagination) = NewestFirstList.Finish(request, GetRunsQuery.CursorKind, rows, run => (run.StartedAt, run.Id.ToString("N")));
        return new RunPage(data, pagination);
    }
}
