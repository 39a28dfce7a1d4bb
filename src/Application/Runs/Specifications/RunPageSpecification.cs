using System.Linq.Expressions;
using Ardalis.Specification;
using Kasparro.Application.Common.Specifications;

namespace Kasparro.Application.Runs.Specifications;

/// <summary>A page of <c>/v1/runs</c>: runs of some sources (all when none), newest first by (started_at, id).</summary>
public sealed class RunPageSpecification : KeysetSpecification<RunDto>
{
    private static readonly KeysetOrder<RunDto> NewestFirst = new(
        descending: true, [(Expression<Func<RunDto, DateTimeOffset>>)(r => r.StartedAt), (Expression<Func<RunDto, Guid>>)(r => r.Id)]);

    public RunPageSpecification(IReadOnlyList<string> sources, int limit, int offset, ListCursor<Guid>? after)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var wanted = sources.ToArray();
        Query.Where(r => wanted.Contains(r.Source), wanted.Length > 0);
        Page(NewestFirst, after is null ? null : [after.At, after.Key], offset, limit);
    }
}
