namespace Sonde.Cli.Reports;

/// <summary>Reads the source lines the lines view shows, when the file is there and reasonably sized.</summary>
internal static class SourceFile
{
    private const long MaxBytes = 16 << 20;

    /// <summary>
    /// The file's lines, or null when it is missing, unreadable, or too large to be source. A relative path is
    /// looked up in the current directory, then next to each profile file, where a recording made with
    /// relative paths usually sits.
    /// </summary>
    public static string[]? TryRead(string path, IEnumerable<string> profileFiles)
    {
        if (path.Length == 0) return null;
        if (Path.IsPathRooted(path)) return TryReadAt(path);
        return TryReadAt(path) ?? profileFiles
            .Select(Path.GetDirectoryName)
            .Where(d => !string.IsNullOrEmpty(d))
            .Select(d => TryReadAt(Path.Combine(d!, path)))
            .FirstOrDefault(lines => lines is not null);
    }

    private static string[]? TryReadAt(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > MaxBytes) return null;
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
