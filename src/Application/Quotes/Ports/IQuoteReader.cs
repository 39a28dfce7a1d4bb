using Kasparro.Application.Quotes.Specifications;

namespace Kasparro.Application.Quotes.Ports;

/// <summary>Runs the quote specifications against the store, straight into response rows (no entities, no tracking).</summary>
public interface IQuoteReader
{
    /// <summary>The quotes a page specification selects, in its order, paged as it says.</summary>
    Task<IReadOnlyList<QuoteDto>> ListAsync(QuotePageSpecification specification, CancellationToken cancellationToken);

    /// <summary>
    /// How many quotes the specification selects, counted up to <paramref name="cap"/> rows (see <see cref="QuoteTotal"/>).
    /// A recent count of the same filter may answer.
    /// </summary>
    Task<QuoteTotal> CountAsync(QuotesMatchingSpecification specification, int cap, CancellationToken cancellationToken);
}

/// <summary>The matching-row count: exact when <see cref="Exact"/>, else a lower bound (the cap was reached).</summary>
public sealed record QuoteTotal(long Count, bool Exact);
