using Ardalis.Specification;

namespace Kasparro.Application.Common.Specifications;

/// <summary>
/// A specification ordered by a <see cref="KeysetOrder{T}"/> whose page may start after a position (<see cref="After"/>):
/// the rows of the previous page's last row onwards cost the same at any depth, unlike an offset.
/// </summary>
public abstract class KeysetSpecification<T> : Specification<T>
{
    /// <summary>Where the page starts; null for a first page or an offset page.</summary>
    public Keyset<T>? After { get; private set; }

    /// <summary>Orders the rows by <paramref name="order"/>; with <paramref name="after"/>, keeps those after that position.</summary>
    protected void OrderByKeyset(KeysetOrder<T> order, IReadOnlyList<object?>? after)
    {
        ArgumentNullException.ThrowIfNull(order);
        order.ApplyTo(Query);
        After = after is null ? null : new Keyset<T>(order, after);
    }

    /// <summary>
    /// A page in <paramref name="order"/>: the rows after <paramref name="after"/> when given, else <paramref name="offset"/>
    /// rows in; and one row more than <paramref name="limit"/>, whose presence says another page follows.
    /// </summary>
    protected void Page(KeysetOrder<T> order, IReadOnlyList<object?>? after, int offset, int limit)
    {
        OrderByKeyset(order, after);
        if (after is null && offset > 0)
        {
            Query.Skip(offset);
        }

        Query.Take(limit + 1);
    }
}
