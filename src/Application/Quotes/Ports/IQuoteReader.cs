namespace Kasparro.Application.Quotes.Ports;

/// <summary>Reads quotes straight into response rows (no entities, no tracking).</summary>
public interface IQuoteReader
{
    /// <summary>One page: at most <c>Limit + 1</c> rows are read so the caller knows whether another page follows.</summary>
    Task<IReadOnlyList<QuoteDto>> ReadPageAsync(QuoteSpecification specification, CancellationToken cancellationToken);

    /// <summary>How many quotes match, counted up to <paramref name="cap"/> rows (see <see cref="QuoteTotal"/>).</summary>
    Task<QuoteTotal> CountAsync(QuoteFilter filter, int cap, CancellationToken cancellationToken);
}

/// <summary>The matching-row count: exact when <see cref="Exact"/>, else a lower bound (the cap was reached).</summary>
public sealed record QuoteTotal(long Count, bool Exact);
