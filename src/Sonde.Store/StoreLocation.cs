namespace Sonde.Store;

/// <summary>
/// Where the history lives: a SQLite file (the default, under the XDG data directory) or a PostgreSQL server.
/// Chosen by <c>--store</c>, else the <c>SONDE_STORE</c> environment variable, else the default.
/// </summary>
public sealed record StoreLocation(StoreKind Kind, string Target, string Display)
{
    public const string EnvironmentVariable = "SONDE_STORE";
    public const string DefaultFileName = "history.db";

    /// <summary>
    /// Reads a store setting: <c>postgresql://</c> or <c>postgres://</c> URLs name a server; a path ending in
    /// <c>.db</c>, <c>.sqlite</c> or <c>.sqlite3</c> is the SQLite file itself; any other path is a directory that
    /// holds <see cref="DefaultFileName"/>.
    /// </summary>
    public static StoreLocation Resolve(string? setting = null) => Resolve(setting, Environment.GetEnvironmentVariable);

    internal static StoreLocation Resolve(string? setting, Func<string, string?> environment)
    {
        var value = string.IsNullOrWhiteSpace(setting) ? environment(EnvironmentVariable) : setting;
        if (string.IsNullOrWhiteSpace(value)) return SqliteFile(Path.Combine(DefaultDirectory(environment), DefaultFileName));
        if (value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
            return new StoreLocation(StoreKind.Postgres, PostgresUrl.ToConnectionString(value), PostgresUrl.Redact(value));
        var extension = Path.GetExtension(value).ToLowerInvariant();
        var file = extension is ".db" or ".sqlite" or ".sqlite3" ? value : Path.Combine(value, DefaultFileName);
        return SqliteFile(file);
    }

    /// <summary><c>$XDG_DATA_HOME/sonde</c>, or <c>~/.local/share/sonde</c> when that is unset or not absolute (as the XDG spec says).</summary>
    public static string DefaultDirectory() => DefaultDirectory(Environment.GetEnvironmentVariable);

    private static string DefaultDirectory(Func<string, string?> environment)
    {
        var xdg = environment("XDG_DATA_HOME");
        var dataHome = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(environment("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(dataHome, "sonde");
    }

    private static StoreLocation SqliteFile(string path)
    {
        var full = Path.GetFullPath(path);
        return new StoreLocation(StoreKind.Sqlite, full, full);
    }
}
