using System.Globalization;
using Kasparro.Application.Common.Exceptions;
using Npgsql;

namespace Kasparro.Infrastructure.Persistence;

/// <summary>
/// Turns <c>DATABASE_URL</c> into an Npgsql connection string. Accepts a URL
/// (<c>postgres://user:pass@host:port/db?sslmode=require</c>, also <c>postgresql://</c>; user and password are
/// percent-decoded) or a plain Npgsql connection string. Error messages name the problem, never the value: the value
/// carries the password.
/// </summary>
public static class DatabaseUrl
{
    public const int DefaultPort = 5432;

    public static string ToConnectionString(string databaseUrl)
    {
        if (string.IsNullOrWhiteSpace(databaseUrl))
        {
            throw new ConfigurationException("DATABASE_URL is empty");
        }

        var text = databaseUrl.Trim();
        return IsUrl(text) ? FromUrl(text) : FromConnectionString(text);
    }

    private static bool IsUrl(string text) =>
        text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    private static string FromUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ConfigurationException("DATABASE_URL is not a valid postgres:// URL (expected postgres://user:password@host:port/database)");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? DefaultPort : uri.Port,
        };

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var separator = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = separator < 0 ? uri.UserInfo : uri.UserInfo[..separator];
            builder.Username = Uri.UnescapeDataString(user);
            if (separator >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var (key, value) in ParseQuery(uri.Query))
        {
            Apply(builder, key, value);
        }

        return builder.ConnectionString;
    }

    private static string FromConnectionString(string text)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(text);
            if (string.IsNullOrEmpty(builder.Host))
            {
                throw new ConfigurationException("DATABASE_URL has no Host (expected postgres://user:password@host:port/database or Host=...;Username=...)");
            }

            return builder.ConnectionString;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            // The inner exception is dropped on purpose: its message may quote part of the value.
            throw new ConfigurationException("DATABASE_URL is neither a postgres:// URL nor a valid Npgsql connection string");
        }
    }

    private static IEnumerable<(string Key, string Value)> ParseQuery(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(separator < 0 ? pair : pair[..separator]).Trim();
            var value = separator < 0 ? string.Empty : Uri.UnescapeDataString(pair[(separator + 1)..].Replace('+', ' '));
            yield return (key, value);
        }
    }

    /// <summary>Maps libpq URL parameters to Npgsql settings; other keys pass through when Npgsql knows them.</summary>
    private static void Apply(NpgsqlConnectionStringBuilder builder, string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "sslmode":
                builder.SslMode = value.ToLowerInvariant() switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw new ConfigurationException("DATABASE_URL has an unknown sslmode (use disable, allow, prefer, require, verify-ca or verify-full)"),
                };
                break;
            case "sslrootcert":
                builder.RootCertificate = value;
                break;
            case "sslcert":
                builder.SslCertificate = value;
                break;
            case "sslkey":
                builder.SslKey = value;
                break;
            case "connect_timeout":
                builder.Timeout = ParseSeconds(value, key);
                break;
            case "application_name":
                builder.ApplicationName = value;
                break;
            case "options":
                builder.Options = value;
                break;
            case "target_session_attrs":
                // Single-host URLs only: nothing to select among.
                break;
            default:
                try
                {
                    builder[key] = value;
                }
                catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
                {
                    throw new ConfigurationException($"DATABASE_URL has a query parameter Npgsql does not accept: '{key}'");
                }

                break;
        }
    }

    private static int ParseSeconds(string value, string key) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : throw new ConfigurationException($"DATABASE_URL parameter '{key}' is not a whole number of seconds");
}
