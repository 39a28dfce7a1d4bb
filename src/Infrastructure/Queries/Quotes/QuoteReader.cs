using System.Collections.Concurrent;
using System.Globalization;
using Ardalis.Specification;
using Kasparro.Application.Quotes;
using Kasparro.Application.Quotes.Ports;
using Kasparro.Infrastructure.Persistence;
using Mapster;
using Microsoft.EntityFrameworkCore;

namespace Kasparro.Infrastructure.Queries.Quotes;

/// <summary>
/// <c>/v1/data</c> on EF Core: a specification runs on <c>quotes</c> projected into <see cref="QuoteDto"/> (the
/// projection is the SELECT list, so its filters and order name the indexed columns), one statement per page. Totals
/// are capped counts remembered per specification cache key (the filter) for <see cref="TotalLifetime"/>, so paging
/// through a result costs one statement per page.
/// </summary>
public sealed class QuoteReader(IDbContextFactory<KasparroDbContext> contexts, TypeAdapterConfig mappings, TimeProvider time) : IQuoteReader
{
    /// <summary>How long a counted total is reused for the same filter.</summary>
    public static readonly TimeSpan TotalLifetime = TimeSpan.FromSeconds(10);

    private const int MaxRememberedTotals = 4096;
    private readonly ConcurrentDictionary<string, (QuoteTotal Total, long CountedAt)> _totals = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<QuoteDto>> ListAsync(ISpecification<QuoteDto> specification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specification);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Quotes.ProjectToType<QuoteDto>(mappings).Apply(specification).ToListAsync(cancellationToken);
    }

    public async Task<QuoteTotal> CountAsync(ISpecification<QuoteDto> specification, int cap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var key = specification.CacheEnabled ? string.Concat(specification.CacheKey, ":", cap.ToString(CultureInfo.InvariantCulture)) : null;
        var now = time.GetTimestamp();
        if (key is not null && _totals.TryGetValue(key, out var remembered) && time.GetElapsedTime(remembered.CountedAt, now) < TotalLifetime)
        {
            return remembered.Total;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counted = await db.Quotes.ProjectToType<QuoteDto>(mappings).Matching(specification).TakeConstant(cap + 1).LongCountAsync(cancellationToken);
        var total = counted > cap ? new QuoteTotal(cap, Exact: false) : new QuoteTotal(counted, Exact: true);
        if (key is not null)
        {
            if (_totals.Count >= MaxRememberedTotals)
            {
                _totals.Clear();
            }

            _totals[key] = (total, now);
        }

        return total;
    }
}
