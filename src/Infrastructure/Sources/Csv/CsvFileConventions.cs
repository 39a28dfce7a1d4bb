namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>How the dates of a file order day and month, as far as its rows have shown it.</summary>
public enum DateOrder
{
    /// <summary>No row has proven either order yet.</summary>
    Unknown,

    /// <summary>A row had a first number above 12 (<c>20-11-2026</c>).</summary>
    DayFirst,

    /// <summary>A row had a second number above 12 (<c>11/20/2026</c>).</summary>
    MonthFirst,

    /// <summary>Rows proved both orders: the file mixes them, so an ambiguous date cannot be read.</summary>
    Conflicting,
}

/// <summary>
/// What the rows of one file have proven about its conventions, so that a value that is ambiguous on its own is read
/// the way the rest of the file writes it. Kept per file and carried in the file's checkpoint, so that appended
/// rows are read as the earlier ones were.
/// </summary>
public sealed class CsvFileConventions
{
    public CsvFileConventions(DateOrder dateOrder = DateOrder.Unknown, bool groupsDigitsWithDots = false)
    {
        DateOrder = dateOrder;
        GroupsDigitsWithDots = groupsDigitsWithDots;
    }

    public DateOrder DateOrder { get; private set; }

    /// <summary>
    /// A value of this file used <c>.</c> to group digits (<c>14.748.800.659</c>); from then on a single dot
    /// followed by exactly three digits (<c>478.375</c>) may be grouping too and is not read as a decimal point.
    /// </summary>
    public bool GroupsDigitsWithDots { get; private set; }

    internal void ProveDateOrder(DateOrder order)
    {
        if (DateOrder == DateOrder.Unknown)
        {
            DateOrder = order;
        }
        else if (DateOrder != order)
        {
            DateOrder = DateOrder.Conflicting;
        }
    }

    internal void ProveDotGrouping() => GroupsDigitsWithDots = true;
}
