namespace Kasparro.Application.Common.Specifications;

/// <summary>
/// A keyset position: the rows strictly after <see cref="Values"/> (one per column of <see cref="Order"/>) in that
/// order. A database evaluator turns it into a row-value comparison; <see cref="Follows"/> is its meaning in memory.
/// </summary>
public sealed class Keyset<T>
{
    public Keyset(KeysetOrder<T> order, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != order.Columns.Count)
        {
            throw new ArgumentException($"a position of this order has {order.Columns.Count} values, not {values.Count}", nameof(values));
        }

        Order = order;
        Values = values;
    }

    public KeysetOrder<T> Order { get; }

    public IReadOnlyList<object?> Values { get; }

    /// <summary>
    /// Whether <paramref name="row"/> comes after this position. With a nullable lead (nulls last): after a null lead only
    /// rows with a null lead follow, by the other columns; after a value, every row with a null lead follows too.
    /// </summary>
    public bool Follows(T row)
    {
        var values = Order.ValuesOf(row);
        if (!Order.NullsLastLead)
        {
            return After(values, 0);
        }

        return (Values[0], values[0]) switch
        {
            (null, null) => After(values, 1),
            (null, _) => false,
            (_, null) => true,
            _ => After(values, 0),
        };
    }

    private bool After(IReadOnlyList<object?> row, int from)
    {
        for (var i = from; i < row.Count; i++)
        {
            var compared = row[i] is string text ? string.CompareOrdinal(text, (string?)Values[i]) : Comparer<object?>.Default.Compare(row[i], Values[i]);
            if (compared != 0)
            {
                return Order.Descending ? compared < 0 : compared > 0;
            }
        }

        return false;
    }
}
