using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Common.Queries;
using Kasparro.Application.Runs.Ports;

namespace Kasparro.Application.Runs.GetRun;

/// <summary><c>GET /v1/runs/{id}</c>: one run. A malformed id is a 400 (see the validator), an unknown one a 404.</summary>
public sealed record GetRunQuery(Parsed<Guid> Id) : IRequest<RunDto>
{
    public const string NotAnId = "must be a run id (a UUID)";

    public static GetRunQuery Parse(string? id) =>
        new(QueryText.TryParseGuid(id, out var parsed) ? Parsed.Valid(parsed) : Parsed.Invalid(Guid.Empty, NotAnId));
}

public sealed class GetRunHandler(IRunReader reader) : IRequestHandler<GetRunQuery, RunDto>
{
    public async Task<RunDto> Handle(GetRunQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = request.Id.Value;
        var found = await reader.FindAsync([id], cancellationToken);
        return found.Count > 0 ? found[0] : throw new NotFoundException("run", id);
    }
}
