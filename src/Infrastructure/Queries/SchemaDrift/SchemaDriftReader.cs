using Ardalis.Specification;
using Kasparro.Application.Runs;
using Kasparro.Application.SchemaDrift;
using Kasparro.Application.SchemaDrift.Ports;
using Kasparro.Infrastructure.Persistence;
using Mapster;
using Microsoft.EntityFrameworkCore;

namespace Kasparro.Infrastructure.Queries.SchemaDrift;

/// <summary><c>/v1/schema-drift</c> on EF Core: a page specification on <c>schema_drift_events</c> projected into the response rows.</summary>
public sealed class SchemaDriftReader(IDbContextFactory<KasparroDbContext> contexts, TypeAdapterConfig mappings) : ISchemaDriftReader
{
    public async Task<PageRows<SchemaDriftEventDto>> ReadPageAsync(
        ISpecification<SchemaDriftEventDto> specification, int countCap, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.SchemaDriftEvents.ProjectToType<SchemaDriftEventDto>(mappings).ToPageAsync(specification, countCap, cancellationToken);
    }
}
