using System.Linq.Expressions;
using Ardalis.Specification;

namespace Kasparro.Application.Common.Specifications;

/// <summary>
/// The order of a keyset-paged list: <see cref="Columns"/> all run one direction and end with a unique key, so the order
/// is total and "the rows after a position" is one row comparison a B-tree can seek to. When <see cref="NullsLastLead"/>
/// is set, the first column may be null and its nulls come last in either direction (they sort apart from the others).
/// </summary>
public sealed class KeysetOrder<T>
{
    private readonly List<Expression<Func<T, object?>>> _keys;
    private Func<T, object?>[]? _read;

    public KeysetOrder(bool descending, IReadOnlyList<LambdaExpression> columns, bool nullsLastLead = false)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns.Count, nullsLastLead ? 2 : 1);
        Descending = descending;
        Columns = columns;
        NullsLastLead = nullsLastLead;
        _keys = [.. columns.Select(c => Boxed(c.Body, c.Parameters))];
        if (nullsLastLead)
        {
            var lead = columns[0];
            _keys.Insert(0, Boxed(Expression.Equal(lead.Body, Expression.Constant(null, lead.ReturnType)), lead.Parameters));
        }
    }

    public bool Descending { get; }

    /// <summary>Selectors of <typeparamref name="T"/>'s columns, each <c>Expression&lt;Func&lt;T, TColumn&gt;&gt;</c>.</summary>
    public IReadOnlyList<LambdaExpression> Columns { get; }

    public bool NullsLastLead { get; }

    /// <summary>Adds this order to a specification: the null test first when the lead may be null, then every column.</summary>
    public void ApplyTo(ISpecificationBuilder<T> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var ordered = Descending && !NullsLastLead ? query.OrderByDescending(_keys[0]) : query.OrderBy(_keys[0]);
        foreach (var key in _keys.Skip(1))
        {
            ordered = Descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key);
        }
    }

    /// <summary>The column values of a row, in column order.</summary>
    public IReadOnlyList<object?> ValuesOf(T row)
    {
        _read ??= [.. _keys.Skip(NullsLastLead ? 1 : 0).Select(key => key.Compile())];
        return [.. _read.Select(read => read(row))];
    }

    private static Expression<Func<T, object?>> Boxed(Expression body, IEnumerable<ParameterExpression> parameters) =>
        Expression.Lambda<Func<T, object?>>(Expression.Convert(body, typeof(object)), parameters);
}
