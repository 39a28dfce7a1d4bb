using Ardalis.Specification;
using Kasparro.Application.Common.Specifications;

namespace Kasparro.UnitTests.Application.Specifications;

/// <summary>Ardalis' in-memory evaluator with our keyset position honoured between the filters and the order.</summary>
internal static class InMemory
{
    private static readonly InMemorySpecificationEvaluator Evaluator =
        new([WhereEvaluator.Instance, new KeysetEvaluator(), OrderEvaluator.Instance, PaginationEvaluator.Instance]);

    public static List<T> Run<T>(ISpecification<T> specification, IEnumerable<T> rows) => [.. Evaluator.Evaluate(rows, specification)];

    private sealed class KeysetEvaluator : IInMemoryEvaluator
    {
        public IEnumerable<T> Evaluate<T>(IEnumerable<T> query, ISpecification<T> specification) =>
            specification is KeysetSpecification<T> { After: { } after } ? query.Where(after.Follows) : query;
    }
}
