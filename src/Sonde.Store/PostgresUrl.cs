using Npgsql;

namespace Sonde.Store;

/// <summary>
/// Turns a <c>postgresql://user:password@host:port/database?key=value</c> URL (libpq's form) into an Npgsql connection
/// string, since Npgsql only reads key=value strings. A host that starts with <c>%2F</c> is a Unix socket directory.
/// </summary>
internal static class PostgresUrl
{
    public static string ToConnectionString(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new StoreException($"'{Redact(url)}' is not a PostgreSQL URL; write postgresql://USER:PASSWORD@HOST:PORT/DATABASE");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = string.IsNullOrEmpty(uri.Host) ? "localhost" : Uri.UnescapeDataString(uri.Host),
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } database ? Uri.UnescapeDataString(database) : "postgres",
            ApplicationName = "sonde",
            Timeout = 10,
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':');
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            // libpq's spellings for what Npgsql calls differently.
            key = key switch
            {
                "host" => "Host",
                "port" => "Port",
                "user" => "Username",
                "sslmode" => "SSL Mode",
                "connect_timeout" => "Timeout",
                _ => key,
            };
            try
            {
                builder[key] = value;
            }
            catch (ArgumentException e)
            {
                throw new StoreException($"the store URL's parameter '{key}' is not one PostgreSQL connections take: {e.Message}");
            }
        }
        return builder.ConnectionString;
    }

    /// <summary>The URL without its password, for messages.</summary>
    public static string Redact(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var at = url.LastIndexOf('@');
        if (schemeEnd < 0 || at < schemeEnd) return url.ReplaceLineEndings(" ");
        var userInfo = url[(schemeEnd + 3)..at];
        var colon = userInfo.IndexOf(':');
        return colon < 0 ? url.ReplaceLineEndings(" ") : $"{url[..(schemeEnd + 3)]}{userInfo[..colon]}:***{url[at..]}".ReplaceLineEndings(" ");
    }
}
