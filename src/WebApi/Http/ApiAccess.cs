using System.Security.Cryptography;
using System.Text;

namespace Kasparro.WebApi.Http;

/// <summary>
/// The read keys (<c>API_KEYS</c>) and the admin token (<c>ADMIN_TOKEN</c>). Only their SHA-256 digests are kept, and
/// a presented secret is compared digest to digest with <see cref="CryptographicOperations.FixedTimeEquals"/>, so
/// neither the comparison's time nor a memory dump tells anything about a secret. <see cref="ToString"/> says only
/// how many keys there are.
/// </summary>
public sealed class ApiAccess
{
    private readonly byte[][] _keyDigests;
    private readonly byte[]? _adminDigest;

    private ApiAccess(byte[][] keyDigests, byte[]? adminDigest)
    {
        _keyDigests = keyDigests;
        _adminDigest = adminDigest;
    }

    /// <summary>False when <c>API_KEYS</c> is unset: reads are open (a warning is logged at start).</summary>
    public bool KeysRequired => _keyDigests.Length > 0;

    /// <summary>False when <c>ADMIN_TOKEN</c> is unset: the admin endpoints answer 403.</summary>
    public bool AdminEnabled => _adminDigest is not null;

    public static ApiAccess From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var keys = (configuration["API_KEYS"] ?? string.Empty)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(Digest)
            .ToArray();
        var admin = configuration["ADMIN_TOKEN"];
        return new ApiAccess(keys, string.IsNullOrWhiteSpace(admin) ? null : Digest(admin.Trim()));
    }

    /// <summary>The key's partition name for rate limiting (a digest prefix, never the key), or null when not valid.</summary>
    public string? MatchKey(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 512)
        {
            return null;
        }

        var digest = Digest(presented);
        var matched = false;
        foreach (var key in _keyDigests)
        {
            // Every key is compared, so the time taken does not tell which one matched.
            matched |= CryptographicOperations.FixedTimeEquals(digest, key);
        }

        return matched ? "key:" + Convert.ToHexStringLower(digest.AsSpan(0, 8)) : null;
    }

    public bool IsAdmin(string? presentedToken) =>
        _adminDigest is not null
        && !string.IsNullOrEmpty(presentedToken)
        && presentedToken.Length <= 512
        && CryptographicOperations.FixedTimeEquals(Digest(presentedToken), _adminDigest);

    /// <summary>
    /// Who an admin request is, for the records it leaves: <c>admin:</c> and the first 12 hex digits of the token's SHA-256,
    /// enough to tell two tokens apart and nothing that helps guess one.
    /// </summary>
    public static string AdminFingerprint(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return "admin:" + Convert.ToHexStringLower(Digest(token).AsSpan(0, 6));
    }

    public override string ToString() => $"ApiAccess(keys: {_keyDigests.Length}, admin: {(AdminEnabled ? "set" : "unset")})";

    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
