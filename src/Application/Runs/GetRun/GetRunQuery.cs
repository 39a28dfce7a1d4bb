using Kasparro.Application.Common.Exceptions;
using Kasparro.Application.Common.Queries;
using Kasparro.Application.Runs.Ports;

namespace Kasparro.Application.Runs.GetRun;

/// <summary><c>GET /v1/runs/{id}</c>: one run. A malformed id is a 400 (see the validator), an unknown one a 404.</summary>
public sealed record GetRunQuery(string? Id) : IRequest<RunDto>;

public sealed class GetRunHandler(IRunReader reader) : IRequestHandler<GetRunQuery, RunDto>
{
    public async Task<RunDto> Handle(GetRunQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!QueryText.TryParseGuid(request.Id, out var id))
        {
            throw new RequestValidationException(new Dictionary<string, string[]> { ["id"] = [GetRunQueryValidator.NotAnId] });
        }

        var found = await reader.FindAsync([id], cancellationToken);
        return found.Count > 0 ? found[0] : throw new NotFoundException("run", id);
    }
}
