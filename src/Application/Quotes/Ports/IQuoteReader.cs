using Ardalis.Specification;

namespace Kasparro.Application.Quotes.Ports;

/// <summary>Runs quote specifications against the store, straight into response rows (no entities, no tracking).</summary>
public interface IQuoteReader
{
    /// <summary>The quotes a specification selects, in its order, paged as it says.</summary>
    Task<IReadOnlyList<QuoteDto>> ListAsync(ISpecification<QuoteDto> specification, CancellationToken cancellationToken);

    /// <summary>
    /// How many quotes the specification's filters select, counted up to <paramref name="cap"/> rows (see
    /// <see cref="QuoteTotal"/>). A specification with a cache key may be answered from a recent count of the same key.
    /// </summary>
    Task<QuoteTotal> CountAsync(ISpecification<QuoteDto> specification, int cap, CancellationToken cancellationToken);
}

/// <summary>The matching-row count: exact when <see cref="Exact"/>, else a lower bound (the cap was reached).</summary>
public sealed record QuoteTotal(long Count, bool Exact);
