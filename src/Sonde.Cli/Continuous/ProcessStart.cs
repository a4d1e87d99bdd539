namespace Sonde.Cli.Continuous;

/// <summary>A process's start time (clock ticks since boot, field 22 of <c>/proc/PID/stat</c>), and its parent.</summary>
internal static class ProcessStart
{
    /// <summary>The start time, or -1 when the process is gone or unreadable.</summary>
    public static long Of(int pid) => TryRead(pid, out var start, out _) ? start : -1;

    /// <summary>This process and every ancestor: a pattern given to --match also matches Sonde's own command line.</summary>
    public static HashSet<int> SelfAndAncestors()
    {
        var result = new HashSet<int>();
        var pid = Environment.ProcessId;
        while (pid > 0 && result.Add(pid))
            pid = TryRead(pid, out _, out var parent) ? parent : 0;
        return result;
    }

    private static bool TryRead(int pid, out long start, out int parent)
    {
        start = -1;
        parent = 0;
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
        // The command name in parentheses may hold spaces; the fields resume after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0 || close + 2 >= stat.Length) return false;
        var fields = stat[(close + 2)..].Split(' ');
        // After the name: state (3), ppid (4), ... starttime (22), so index 1 and 19 here.
        return fields.Length > 19 && int.TryParse(fields[1], out parent) && long.TryParse(fields[19], out start);
    }
}
