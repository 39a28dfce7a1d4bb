using Kasparro.Application.Changes.Ports;

namespace Kasparro.Application.Changes.GetDataVersion;

/// <summary>The version of the stored data the reads see now: what an answer may be remembered under.</summary>
public sealed record GetDataVersionQuery : IRequest<DataVersion>;

public sealed class GetDataVersionHandler(IDataVersion version) : IRequestHandler<GetDataVersionQuery, DataVersion>
{
    public async Task<DataVersion> Handle(GetDataVersionQuery request, CancellationToken cancellationToken) =>
        await version.CurrentAsync(cancellationToken);
}
