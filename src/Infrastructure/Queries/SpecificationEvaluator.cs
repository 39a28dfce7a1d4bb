using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Ardalis.Specification;
using Kasparro.Application.Common.Specifications;
using Kasparro.Application.Runs;
using Microsoft.EntityFrameworkCore;

namespace Kasparro.Infrastructure.Queries;

/// <summary>
/// Runs Application's specifications on EF Core queries. Ardalis' EF Core evaluator package is not available here, so
/// this is the part of it the read side needs, plus what it lacks: the filters and the order through Ardalis' own
/// evaluators; a <see cref="Keyset{T}"/> as one PostgreSQL row-value comparison (<c>(a, b, c) &lt; ($1, $2, $3)</c>, which
/// a B-tree on those columns seeks to); and the page bounds written into the statement as numbers, because with
/// <c>LIMIT $n</c> PostgreSQL never settles on a generic plan for an auto-prepared statement and plans it on every execution.
/// Every other value travels as a parameter, so a statement's text depends only on the request's shape.
/// </summary>
internal static class SpecificationEvaluator
{
    private static readonly MethodInfo Take = Queryable(nameof(System.Linq.Queryable.Take));
    private static readonly MethodInfo Skip = Queryable(nameof(System.Linq.Queryable.Skip));
    private static readonly MethodInfo Constant = typeof(EF).GetMethod(nameof(EF.Constant))!.MakeGenericMethod(typeof(int));
    private static readonly PropertyInfo Functions = typeof(EF).GetProperty(nameof(EF.Functions))!;
    private static readonly MethodInfo RowLessThan = RowComparison(nameof(NpgsqlDbFunctionsExtensions.LessThan));
    private static readonly MethodInfo RowGreaterThan = RowComparison(nameof(NpgsqlDbFunctionsExtensions.GreaterThan));

    /// <summary>The specification's filters, keyset position, order and page bounds, in that order.</summary>
    public static IQueryable<T> Apply<T>(this IQueryable<T> query, ISpecification<T> specification)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(specification);
        query = WhereEvaluator.Instance.GetQuery(query, specification);
        if (specification is KeysetSpecification<T> { After: { } after })
        {
            query = query.Where(RowsAfter(after));
        }

        query = OrderEvaluator.Instance.GetQuery(query, specification);
        if (specification.Skip > 0)
        {
            query = Bounded(query, Skip, specification.Skip);
        }

        return specification.Take >= 0 ? Bounded(query, Take, specification.Take) : query;
    }

    /// <summary>The specification's filters alone: the rows it selects, for counting.</summary>
    public static IQueryable<T> Matching<T>(this IQueryable<T> query, ISpecification<T> specification)
        where T : class =>
        WhereEvaluator.Instance.GetQuery(query, specification);

    /// <summary>
    /// A page of a newest-first list and the rows its filters match counted up to <paramref name="countCap"/>: two
    /// statements (EF Core sends no batch of two queries), the count stopping at the cap.
    /// </summary>
    public static async Task<PageRows<T>> ToPageAsync<T>(this IQueryable<T> query, ISpecification<T> specification, int countCap, CancellationToken cancellationToken)
        where T : class
    {
        var rows = await query.Apply(specification).ToListAsync(cancellationToken);
        var counted = await query.Matching(specification).TakeConstant(countCap).LongCountAsync(cancellationToken);
        return new PageRows<T>(rows, counted);
    }

    /// <summary>
    /// At most <paramref name="count"/> rows, the number written into the statement. EF Core 10 makes a parameter of a
    /// plain constant, so the number goes through <c>EF.Constant</c>, which EF inlines after its command cache: the SQL of
    /// these statements is generated on every execution (a few percent of a request's CPU, measured on <c>/v1/data</c>),
    /// the price of a plan PostgreSQL can keep.
    /// </summary>
    public static IQueryable<T> TakeConstant<T>(this IQueryable<T> query, int count) => Bounded(query, Take, count);

    /// <summary>
    /// The rows after a position. With a nullable lead (NULLs last): after a NULL, the NULL-led rows after the rest of
    /// the position; after a value, the rows after it and every NULL-led row.
    /// </summary>
    internal static Expression<Func<T, bool>> RowsAfter<T>(Keyset<T> after)
    {
        var row = Expression.Parameter(typeof(T), "row");
        var columns = after.Order.Columns.Select(c => new Rebinder(c.Parameters[0], row).Visit(c.Body)).ToList();
        var values = after.Values.Select((value, i) => Value(value, columns[i].Type)).ToList();
        var compare = after.Order.Descending ? RowLessThan : RowGreaterThan;
        Expression From(int first) => Expression.Call(
            compare,
            Expression.Property(null, Functions),
            Expression.Convert(Tuple(columns.Skip(first)), typeof(ITuple)),
            Expression.Convert(Tuple(values.Skip(first)), typeof(ITuple)));

        Expression body;
        if (!after.Order.NullsLastLead)
        {
            body = From(0);
        }
        else
        {
            var leadIsNull = Expression.Equal(columns[0], Expression.Constant(null, columns[0].Type));
            body = after.Values[0] is null ? Expression.AndAlso(leadIsNull, From(1)) : Expression.OrElse(leadIsNull, From(0));
        }

        return Expression.Lambda<Func<T, bool>>(body, row);
    }

    /// <summary>
    /// A value as a field of a typed box, which EF Core reads as a parameter (a constant would be written into the SQL),
    /// on its fast path for a member of a constant (no conversion to evaluate).
    /// </summary>
    private static MemberExpression Value(object? value, Type type) =>
        Expression.Field(Expression.Constant(Activator.CreateInstance(typeof(StrongBox<>).MakeGenericType(type), value)), nameof(StrongBox<object>.Value));

    private static MethodCallExpression Tuple(IEnumerable<Expression> items)
    {
        var list = items.ToList();
        var create = typeof(ValueTuple).GetMethods()
            .Single(m => m.Name == nameof(ValueTuple.Create) && m.GetGenericArguments().Length == list.Count)
            .MakeGenericMethod([.. list.Select(e => e.Type)]);
        return Expression.Call(create, list);
    }

    private static IQueryable<T> Bounded<T>(IQueryable<T> query, MethodInfo method, int count) =>
        query.Provider.CreateQuery<T>(Expression.Call(method.MakeGenericMethod(typeof(T)), query.Expression, Expression.Call(Constant, Expression.Constant(count))));

    private static MethodInfo Queryable(string name) => typeof(Queryable).GetMethods()
        .Single(m => m.Name == name && m.GetParameters() is [_, { ParameterType: var count }] && count == typeof(int));

    private static MethodInfo RowComparison(string name) =>
        typeof(NpgsqlDbFunctionsExtensions).GetMethod(name, [typeof(DbFunctions), typeof(ITuple), typeof(ITuple)])!;

    private sealed class Rebinder(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
