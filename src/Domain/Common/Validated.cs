namespace Kasparro.Domain.Common;

/// <summary>The outcome of a validating factory: a value, or the reason it was refused.</summary>
public readonly record struct Validated<T>
{
    private Validated(T? value, string? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public string? Error { get; }

    public bool IsValid => Error is null;

    public static Validated<T> Ok(T value) => new(value, null);

    public static Validated<T> Fail(string error) => new(default, error);
}
