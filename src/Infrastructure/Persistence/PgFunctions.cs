namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// PostgreSQL functions that EF Core queries call (mapped in <see cref="KasparroDbContext"/>); they run in the database,
/// never here.
/// </summary>
public static class PgFunctions
{
    /// <summary>
    /// <c>trim_scale</c>: the value without the trailing zeros of its column's scale, so a price stored as
    /// 87000.000000000000000000 in its numeric(38,18) column reads (and is written to JSON) as 87000. The server drops
    /// the padding once per value instead of the app dividing every decimal.
    /// </summary>
    public static decimal TrimScale(decimal value) => throw new InvalidOperationException($"{nameof(TrimScale)}({value}) runs in PostgreSQL only");

    /// <inheritdoc cref="TrimScale(decimal)"/>
    public static decimal? TrimScale(decimal? value) => throw new InvalidOperationException($"{nameof(TrimScale)}({value}) runs in PostgreSQL only");
}
