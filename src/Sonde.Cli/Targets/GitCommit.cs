using System.Text;

namespace Sonde.Cli.Targets;

/// <summary>
/// The commit checked out where the target runs, read straight from the repository's files (HEAD, loose refs,
/// packed-refs; worktrees and <c>.git</c> files included), so recording needs no git installed and runs no process.
/// Anything unexpected means "unknown", never an error: the commit is a courtesy in the metadata.
/// </summary>
internal static class GitCommit
{
    private const int MaxSymbolicDepth = 5;
    private const int MaxSmallFileBytes = 4096;

    /// <summary>The commit of the repository around the process's working directory, or null.</summary>
    public static string? OfProcess(int processId)
    {
        try
        {
            var cwd = new DirectoryInfo($"/proc/{processId}/cwd").ResolveLinkTarget(returnFinalTarget: false)?.FullName;
            return cwd is null ? null : Of(cwd);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The commit checked out in the repository that contains <paramref name="directory"/>, or null.</summary>
    public static string? Of(string directory)
    {
        try
        {
            var gitDirectory = FindGitDirectory(directory);
            if (gitDirectory is null) return null;
            var commonDirectory = gitDirectory;
            if (ReadSmallFile(Path.Combine(gitDirectory, "commondir")) is { } common)
                commonDirectory = Path.GetFullPath(Path.Combine(gitDirectory, common.Trim()));

            var head = ReadSmallFile(Path.Combine(gitDirectory, "HEAD"))?.Trim();
            for (var depth = 0; head is not null && depth < MaxSymbolicDepth; depth++)
            {
                if (IsObjectId(head)) return head.ToLowerInvariant();
                if (!head.StartsWith("ref: ", StringComparison.Ordinal)) return null;
                head = ResolveRef(gitDirectory, commonDirectory, head[5..].Trim());
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The <c>.git</c> directory of the nearest repository at or above <paramref name="directory"/>.</summary>
    private static string? FindGitDirectory(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(candidate)) return candidate;
            // Worktrees and submodules have a .git file: "gitdir: <path>", relative to the directory holding it.
            if (ReadSmallFile(candidate) is { } file && file.StartsWith("gitdir: ", StringComparison.Ordinal))
                return Path.GetFullPath(Path.Combine(dir.FullName, file[8..].Trim()));
        }
        return null;
    }

    /// <summary>What a ref holds: a loose ref file in the worktree's or the common directory, else its packed-refs line.</summary>
    private static string? ResolveRef(string gitDirectory, string commonDirectory, string name)
    {
        if (!name.StartsWith("refs/", StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal)) return null;
        foreach (var root in new[] { gitDirectory, commonDirectory })
            if (ReadSmallFile(Path.Combine(root, name)) is { } loose) return loose.Trim();

        var packed = Path.Combine(commonDirectory, "packed-refs");
        if (!File.Exists(packed)) return null;
        foreach (var line in File.ReadLines(packed))
        {
            if (line.Length == 0 || line[0] is '#' or '^') continue;
            var space = line.IndexOf(' ');
            if (space > 0 && line.AsSpan(space + 1).SequenceEqual(name)) return line[..space];
        }
        return null;
    }

    /// <summary>A SHA-1 (40) or SHA-256 (64) object id in hex.</summary>
    private static bool IsObjectId(string text) => text.Length is 40 or 64 && text.All(char.IsAsciiHexDigit);

    private static string? ReadSmallFile(string path)
    {
        if (!File.Exists(path)) return null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = new byte[MaxSmallFileBytes];
        var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
