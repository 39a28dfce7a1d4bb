using Ardalis.Specification;
using Kasparro.Application.Runs;

namespace Kasparro.Application.SchemaDrift.Ports;

public interface ISchemaDriftReader
{
    /// <summary>The events a page specification selects, and all its filters match counted up to <paramref name="countCap"/>.</summary>
    Task<PageRows<SchemaDriftEventDto>> ReadPageAsync(ISpecification<SchemaDriftEventDto> specification, int countCap, CancellationToken cancellationToken);
}
