namespace Kasparro.Infrastructure.Sources.Csv;

/// <summary>
/// Byte order marks. CSV files are read as UTF-8 (a UTF-8 mark is skipped); a UTF-16 or UTF-32 mark would make the
/// reader transcode, and byte offsets would no longer be the file's, so such a file is refused as a whole.
/// </summary>
internal static class CsvEncoding
{
    public static bool StartsWithByteOrderMark(ReadOnlySpan<byte> start) =>
        start.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) || OtherThanUtf8(start) is not null;

    /// <summary>The encoding a UTF-16 or UTF-32 byte order mark announces, or <c>null</c>.</summary>
    public static string? OtherThanUtf8(ReadOnlySpan<byte> start)
    {
        if (start.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            return "UTF-32";
        }

        if (start.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return "UTF-32";
        }

        if (start.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || start.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return "UTF-16";
        }

        return null;
    }
}
