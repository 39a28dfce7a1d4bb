namespace Kasparro.Infrastructure.Sources.Api;

/// <summary>The values an API source reads from each item into <see cref="Kasparro.Domain.Ingestion.RecordFields"/>.</summary>
internal enum ApiField
{
    Id,
    Symbol,
    Name,
    Price,
    MarketCap,
    Volume24h,
    PercentChange24h,
    LastUpdated,
}

/// <summary>
/// Where a value sits in an item (<c>quotes.USD.price</c>: a dotted path of property names) and whether a record
/// without it cannot be loaded.
/// </summary>
internal sealed record ExpectedField(ApiField Field, string Path, bool Required)
{
    public string Scope => Path.Contains('.', StringComparison.Ordinal) ? Path[..Path.LastIndexOf('.')] : string.Empty;

    public string Name => Path[(Path.LastIndexOf('.') + 1)..];
}

/// <summary>
/// The item shape a source expects: the fields it reads, and every property name it knows per object scope
/// (<c>""</c> for the item itself, <c>quotes.USD</c> for a nested object), read or not. A name outside both is new.
/// </summary>
internal sealed class ApiSchema
{
    private readonly Dictionary<string, HashSet<string>> knownNames;
    private readonly Func<string, string, bool> alsoKnown;

    public ApiSchema(
        IReadOnlyList<ExpectedField> fields, IReadOnlyDictionary<string, string[]> knownNames, Func<string, string, bool>? alsoKnown = null)
    {
        Fields = fields;
        this.knownNames = knownNames.ToDictionary(p => p.Key, p => p.Value.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var field in fields)
        {
            Known(field.Scope).Add(field.Name);
            var scope = field.Scope;
            while (scope.Length > 0)
            {
                var dot = scope.LastIndexOf('.');
                var parent = dot < 0 ? string.Empty : scope[..dot];
                Known(parent).Add(scope[(dot + 1)..]);
                scope = parent;
            }
        }

        this.alsoKnown = alsoKnown ?? ((_, _) => false);
    }

    public IReadOnlyList<ExpectedField> Fields { get; }

    /// <summary>The object scopes the schema describes, parents before children.</summary>
    public IEnumerable<string> Scopes => knownNames.Keys.OrderBy(s => s.Length);

    public bool IsKnown(string scope, string name) =>
        (knownNames.TryGetValue(scope, out var names) && names.Contains(name)) || alsoKnown(scope, name);

    private HashSet<string> Known(string scope)
    {
        if (!knownNames.TryGetValue(scope, out var names))
        {
            names = new HashSet<string>(StringComparer.Ordinal);
            knownNames[scope] = names;
        }

        return names;
    }
}
