using Kasparro.Application.Runs;
using Kasparro.Application.Runs.Ports;

namespace Kasparro.Application.SchemaDrift.Ports;

public interface ISchemaDriftReader
{
    /// <summary>
    /// A newest-first page (by detected_at, then id): at most <c>Limit + 1</c> rows and the matching rows counted up to
    /// <c>NewestFirstPage.MaxOffset + 1</c>, in one round trip.
    /// </summary>
    Task<PageRows<SchemaDriftEventDto>> ReadPageAsync(NewestFirstPage page, CancellationToken cancellationToken);
}
