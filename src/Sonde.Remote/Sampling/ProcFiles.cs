namespace Sonde.Remote.Sampling;

/// <summary>What the process tree sampler reads from /proc: parents, command lines, zombies. Unreadable reads as absent.</summary>
public static class ProcFiles
{
    public static bool Exists(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>The command line with arguments separated by spaces; the kernel's short name in brackets when empty.</summary>
    public static string CommandLine(int pid)
    {
        var raw = ReadText($"/proc/{pid}/cmdline");
        if (!string.IsNullOrEmpty(raw)) return raw.TrimEnd('\0').Replace('\0', ' ');
        return $"[{ReadText($"/proc/{pid}/comm")?.TrimEnd('\n') ?? "?"}]";
    }

    public static bool IsZombie(int pid) => TryReadStat(pid, out var state, out _) && state is 'Z' or 'X';

    /// <summary>Every process below <paramref name="root"/>: children, their children, and so on.</summary>
    public static HashSet<int> DescendantsOf(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in EnumerateProcesses())
        {
            if (!TryReadStat(directory, out _, out var parent)) continue;
            if (!children.TryGetValue(parent, out var list)) children[parent] = list = [];
            list.Add(directory);
        }
        var result = new HashSet<int>();
        var pending = new Stack<int>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            if (!children.TryGetValue(pending.Pop(), out var list)) continue;
            foreach (var child in list)
                if (result.Add(child)) pending.Push(child);
        }
        return result;
    }

    /// <summary>
    /// Whether the process looks like a Python interpreter by its executable's name or a mapped libpython: the ones
    /// we warn about when they can't be attached, while a shell or a compiler among the descendants is simply skipped.
    /// </summary>
    public static bool LooksLikePython(int pid)
    {
        if (IsPythonName(ReadLink($"/proc/{pid}/exe")) || IsPythonName(ReadText($"/proc/{pid}/comm")?.TrimEnd('\n'))) return true;
        var maps = ReadText($"/proc/{pid}/maps");
        return maps is not null && maps.Contains("libpython", StringComparison.Ordinal);
    }

    private static bool IsPythonName(string? path) =>
        path is not null && Path.GetFileName(path).StartsWith("python", StringComparison.Ordinal);

    private static IEnumerable<int> EnumerateProcesses()
    {
        foreach (var path in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(path), out var pid)) yield return pid;
    }

    private static bool TryReadStat(int pid, out char state, out int parent)
    {
        state = '?';
        parent = 0;
        var stat = ReadText($"/proc/{pid}/stat");
        if (stat is null) return false;
        // The command name in parentheses may hold spaces and parentheses; the fields resume after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0 || close + 2 >= stat.Length) return false;
        var fields = stat[(close + 2)..].Split(' ', 3);
        state = fields[0][0];
        return fields.Length > 1 && int.TryParse(fields[1], out parent);
    }

    private static string? ReadText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static string? ReadLink(string path)
    {
        try { return File.ResolveLinkTarget(path, returnFinalTarget: false)?.FullName; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
