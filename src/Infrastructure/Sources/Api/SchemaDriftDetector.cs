using System.Globalization;
using System.Text.Json;
using Kasparro.Domain.Assets;

namespace Kasparro.Infrastructure.Sources.Api;

/// <summary>What a schema drift led to (stored in <c>schema_drift_events.action</c>).</summary>
internal static class DriftAction
{
    /// <summary>An expected field is gone and a new one with a similar name is read in its place.</summary>
    public const string Mapped = "mapped";

    /// <summary>A required field is gone with nothing similar: the records are rejected.</summary>
    public const string Rejected = "rejected";

    /// <summary>An optional field is gone with nothing similar: its value is left empty.</summary>
    public const string Missing = "missing";

    /// <summary>A property the source does not know; nothing is read from it.</summary>
    public const string NewField = "new field";
}

/// <summary>One difference between the expected and the observed shape.</summary>
internal sealed record DriftFinding(string ExpectedField, string? ObservedField, decimal Confidence, string Action, string Message);

/// <summary>
/// How to read one field from the items of one response: the property path to follow (the expected one, or the
/// similar one that replaced it), and, when the field is gone, the reason to reject a record that lacks it.
/// </summary>
internal sealed record FieldPlan(ExpectedField Expected, string[] Segments, string? MissingReason)
{
    public static FieldPlan AsExpected(ExpectedField expected) => new(expected, expected.Path.Split('.'), null);
}

/// <summary>The plan for every expected field of one response, and what differed.</summary>
internal sealed record DriftResult(IReadOnlyDictionary<ApiField, FieldPlan> Plans, IReadOnlyList<DriftFinding> Findings)
{
    public static DriftResult AsExpected(ApiSchema schema) =>
        new(schema.Fields.ToDictionary(f => f.Field, FieldPlan.AsExpected), []);
}

/// <summary>
/// Compares the first item of a response with what the source expects (the schema drift rule of
/// docs/reference/data-rules.md). For an expected property that is missing, the most similar new property of the same
/// object (names normalized and scored as <see cref="NameSimilarity"/> does) is read in its place when its score
/// reaches the threshold. Otherwise a required field makes the records that lack it rejected, and an optional one is
/// left empty. New properties alone are reported and ignored.
/// </summary>
internal sealed class SchemaDriftDetector(decimal threshold)
{
    public decimal Threshold { get; } = threshold;

    public DriftResult Detect(ApiSchema schema, JsonElement item)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (item.ValueKind != JsonValueKind.Object)
        {
            // Not an object: each such item is refused on its own; there is no shape to compare.
            return DriftResult.AsExpected(schema);
        }

        var run = new Detection(this, schema, item);
        var plans = new Dictionary<ApiField, FieldPlan>();
        foreach (var field in schema.Fields)
        {
            plans[field.Field] = run.Plan(field);
        }

        run.ReportNewFields();
        return new DriftResult(plans, run.Findings);
    }

    private static string Score(decimal score) => score.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>One comparison: resolved object scopes, new names already taken by a mapping, what was found.</summary>
    private sealed class Detection(SchemaDriftDetector detector, ApiSchema schema, JsonElement item)
    {
        private readonly Dictionary<string, Scope?> scopes = new(StringComparer.Ordinal);
        private readonly HashSet<string> claimed = new(StringComparer.Ordinal);
        private readonly HashSet<string> reportedScopes = new(StringComparer.Ordinal);

        public List<DriftFinding> Findings { get; } = [];

        public FieldPlan Plan(ExpectedField field)
        {
            var scope = Resolve(field.Scope);
            if (scope is null)
            {
                // The object holding the field is gone; that drift is reported once, for the object.
                return new FieldPlan(field, field.Path.Split('.'), field.Required ? $"field '{field.Path}' is missing (schema drift, no similar field)" : null);
            }

            if (scope.Element is not { ValueKind: JsonValueKind.Object } parent || parent.TryGetProperty(field.Name, out _))
            {
                return new FieldPlan(field, [.. scope.Segments, field.Name], null);
            }

            var (candidate, score) = BestNewName(field.Scope, scope, field.Name, mustBeObject: false);
            if (candidate is not null && score >= detector.Threshold)
            {
                claimed.Add(Key(scope, candidate));
                var observed = Join(scope.Segments, candidate);
                Findings.Add(new DriftFinding(
                    field.Path, observed, score, DriftAction.Mapped,
                    $"field '{field.Path}' is missing; reading '{observed}' in its place (similarity {Score(score)}, threshold {Score(detector.Threshold)})"));
                return new FieldPlan(field, [.. scope.Segments, candidate], null);
            }

            var closest = candidate is null
                ? "no similar field"
                : $"closest field '{Join(scope.Segments, candidate)}' scores {Score(score)}, below {Score(detector.Threshold)}";
            if (field.Required)
            {
                Findings.Add(new DriftFinding(
                    field.Path, candidate is null ? null : Join(scope.Segments, candidate), candidate is null ? 0m : score, DriftAction.Rejected,
                    $"required field '{field.Path}' is missing ({closest}): records without it are rejected"));
                return new FieldPlan(field, [.. scope.Segments, field.Name], $"field '{field.Path}' is missing (schema drift, {closest})");
            }

            Findings.Add(new DriftFinding(
                field.Path, candidate is null ? null : Join(scope.Segments, candidate), candidate is null ? 0m : score, DriftAction.Missing,
                $"optional field '{field.Path}' is missing ({closest}): its value is left empty"));
            return new FieldPlan(field, [.. scope.Segments, field.Name], null);
        }

        /// <summary>Every property of a known object scope that the schema does not know and no mapping took.</summary>
        public void ReportNewFields()
        {
            foreach (var scopePath in schema.Scopes)
            {
                if (Resolve(scopePath) is not { Element: { ValueKind: JsonValueKind.Object } element } scope || !reportedScopes.Add(Join(scope.Segments, string.Empty)))
                {
                    continue;
                }

                foreach (var property in element.EnumerateObject())
                {
                    if (!schema.IsKnown(scopePath, property.Name) && !claimed.Contains(Key(scope, property.Name)))
                    {
                        var observed = Join(scope.Segments, property.Name);
                        Findings.Add(new DriftFinding(
                            "(none)", observed, 0m, DriftAction.NewField, $"new field '{observed}' is not expected; it is kept in the raw payload and not read"));
                    }
                }
            }
        }

        /// <summary>
        /// The object at an expected scope path: found under its own name, or under a similar new name. <c>null</c>
        /// when it is gone; a scope whose value is not an object (null on this item) has no element to inspect.
        /// </summary>
        private Scope? Resolve(string path)
        {
            if (scopes.TryGetValue(path, out var known))
            {
                return known;
            }

            Scope? resolved;
            if (path.Length == 0)
            {
                resolved = new Scope([], item);
            }
            else
            {
                var dot = path.LastIndexOf('.');
                var parentPath = dot < 0 ? string.Empty : path[..dot];
                var name = path[(dot + 1)..];
                resolved = ResolveChild(parentPath, path, name);
            }

            scopes[path] = resolved;
            return resolved;
        }

        private Scope? ResolveChild(string parentPath, string path, string name)
        {
            var parent = Resolve(parentPath);
            if (parent is null)
            {
                return null;
            }

            if (parent.Element is not { ValueKind: JsonValueKind.Object } parentElement)
            {
                return new Scope([.. parent.Segments, name], null);
            }

            if (parentElement.TryGetProperty(name, out var value))
            {
                return new Scope([.. parent.Segments, name], value);
            }

            var (candidate, score) = BestNewName(parentPath, parent, name, mustBeObject: true);
            if (candidate is not null && score >= detector.Threshold)
            {
                claimed.Add(Key(parent, candidate));
                var observed = Join(parent.Segments, candidate);
                Findings.Add(new DriftFinding(
                    path, observed, score, DriftAction.Mapped,
                    $"object '{path}' is missing; reading '{observed}' in its place (similarity {Score(score)}, threshold {Score(detector.Threshold)})"));
                return new Scope([.. parent.Segments, candidate], parentElement.GetProperty(candidate));
            }

            var required = schema.Fields.Any(f => f.Required && (f.Scope == path || f.Scope.StartsWith(path + ".", StringComparison.Ordinal)));
            var closest = candidate is null ? "no similar field" : $"closest field '{Join(parent.Segments, candidate)}' scores {Score(score)}, below {Score(detector.Threshold)}";
            Findings.Add(new DriftFinding(
                path, candidate is null ? null : Join(parent.Segments, candidate), candidate is null ? 0m : score,
                required ? DriftAction.Rejected : DriftAction.Missing,
                required
                    ? $"object '{path}' is missing ({closest}): records without it are rejected"
                    : $"object '{path}' is missing ({closest}): its values are left empty"));
            return null;
        }

        private (string? Name, decimal Score) BestNewName(string scopePath, Scope scope, string expected, bool mustBeObject)
        {
            string? best = null;
            var bestScore = 0m;
            var normalizedExpected = NameSimilarity.Normalize(expected);
            foreach (var property in scope.Element!.Value.EnumerateObject())
            {
                if (schema.IsKnown(scopePath, property.Name) || claimed.Contains(Key(scope, property.Name))
                    || (mustBeObject && property.Value.ValueKind != JsonValueKind.Object))
                {
                    continue;
                }

                var score = NameSimilarity.Score(normalizedExpected, NameSimilarity.Normalize(property.Name));
                if (score > bestScore)
                {
                    best = property.Name;
                    bestScore = score;
                }
            }

            return (best, bestScore);
        }

        private static string Key(Scope scope, string name) => Join(scope.Segments, name);

        private static string Join(string[] segments, string name) =>
            segments.Length == 0 ? name : name.Length == 0 ? string.Join('.', segments) : string.Join('.', segments) + "." + name;
    }

    /// <summary>An object scope as found: the property path that leads to it, and its value on the inspected item.</summary>
    private sealed record Scope(string[] Segments, JsonElement? Element);
}
