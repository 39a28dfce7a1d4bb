using System.Linq.Expressions;
using Ardalis.Specification;
using Kasparro.Application.Common.Specifications;
using Kasparro.Application.Runs;

namespace Kasparro.Application.SchemaDrift.Specifications;

/// <summary>A page of <c>/v1/schema-drift</c>: events of some sources (all when none), newest first by (detected_at, id).</summary>
public sealed class SchemaDriftPageSpecification : KeysetSpecification<SchemaDriftEventDto>
{
    private static readonly KeysetOrder<SchemaDriftEventDto> NewestFirst = new(
        descending: true,
        [(Expression<Func<SchemaDriftEventDto, DateTimeOffset>>)(e => e.DetectedAt), (Expression<Func<SchemaDriftEventDto, long>>)(e => e.Id)]);

    public SchemaDriftPageSpecification(IReadOnlyList<string> sources, int limit, int offset, ListCursor<long>? after)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var wanted = sources.ToArray();
        Query.Where(e => wanted.Contains(e.Source), wanted.Length > 0);
        Page(NewestFirst, after is null ? null : [after.At, after.Key], offset, limit);
    }
}
