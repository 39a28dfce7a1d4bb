using System.Text;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// The PostgreSQL advisory lock keys the platform uses. Fixed numbers, and a stable hash for per-source keys
/// (never <see cref="string.GetHashCode()"/>: it differs per process, and two processes must agree on the key).
/// Single-bigint keys and (int, int) keys live in separate spaces in PostgreSQL, so they cannot collide.
/// </summary>
internal static class AdvisoryLockKeys
{
    /// <summary>Session lock held while migrating ("KASPMIGR").</summary>
    public const long Migrations = 0x4B41_5350_4D49_4752;

    /// <summary>Transaction lock serializing identity decisions of every source ("KASPIDEN").</summary>
    public const long Identity = 0x4B41_5350_4944_454E;

    /// <summary>First half of a per-source run lock key ("KSRL"); the second half is <see cref="SourceKey"/>.</summary>
    public const int SourceRunNamespace = 0x4B53_524C;

    /// <summary>32-bit FNV-1a of the source name's UTF-8 bytes: the same in every process and every run.</summary>
    public static int SourceKey(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        const uint offsetBasis = 2166136261;
        const uint prime = 16777619;
        var hash = offsetBasis;
        foreach (var b in Encoding.UTF8.GetBytes(source))
        {
            hash = unchecked((hash ^ b) * prime);
        }

        return unchecked((int)hash);
    }
}
