using System.Collections;
using System.Globalization;

namespace Kasparro.Application.Common.Logging;

/// <summary>
/// Structured scope values (<c>run_id</c>, <c>source</c>, ...) that JSON logs write as properties and text logs as
/// <c>key=value</c>: a plain dictionary would print its type name as the scope's message.
/// </summary>
public sealed class LogScope(params (string Key, object? Value)[] values) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _values = [.. values.Select(v => new KeyValuePair<string, object?>(v.Key, v.Value))];

    public int Count => _values.Length;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        string.Join(' ', _values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}={v.Value}")));
}
