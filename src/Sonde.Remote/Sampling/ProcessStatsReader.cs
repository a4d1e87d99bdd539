namespace Sonde.Remote.Sampling;

/// <summary>
/// Reads a whole process's CPU time (<c>/proc/PID/stat</c>, all threads together) and resident memory
/// (<c>/proc/PID/statm</c>), for live views such as `top`. Read once a second, so plain file reads are cheap enough.
/// </summary>
public static class ProcessStatsReader
{
    private static readonly long _pageSize = Environment.SystemPageSize;

    /// <summary>CPU time the process used (user + system), in nanoseconds; false when it is gone or unreadable.</summary>
    public static bool TryReadCpuNs(int processId, out long cpuNs)
    {
        cpuNs = 0;
        var stat = ReadOrNull($"/proc/{processId}/stat");
        if (stat is null || !ThreadStatReader.Parse(stat, out _, out var ticks)) return false;
        cpuNs = ticks * (1_000_000_000 / ThreadStatReader.ClockTicksPerSecond);
        return true;
    }

    /// <summary>Resident set size in bytes; false when the process is gone or unreadable.</summary>
    public static bool TryReadRssBytes(int processId, out long rssBytes)
    {
        rssBytes = 0;
        var statm = ReadOrNull($"/proc/{processId}/statm");
        if (statm is null) return false;
        // Fields: size resident shared text lib data dt, in pages.
        var fields = System.Text.Encoding.ASCII.GetString(statm).Split(' ');
        if (fields.Length < 2 || !long.TryParse(fields[1], out var pages)) return false;
        rssBytes = pages * _pageSize;
        return true;
    }

    private static byte[]? ReadOrNull(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
