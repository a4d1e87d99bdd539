using System.Globalization;
using System.Runtime.InteropServices;

namespace Sonde.Remote.Sampling;

/// <summary>
/// Reads what a blocked thread waits in (<see cref="ThreadWait"/>). /proc/PID/task/TID/syscall needs the same
/// permission as reading the process's memory; a thread that runs, or files that can't be read, give null.
/// </summary>
public static class ThreadWaitReader
{
    private static readonly Dictionary<int, string> _names = RuntimeInformation.ProcessArchitecture == Architecture.Arm64
        ? new()
        {
            [63] = "read", [64] = "write", [65] = "readv", [67] = "pread64", [72] = "pselect6", [73] = "ppoll",
            [22] = "epoll_pwait", [98] = "futex", [101] = "nanosleep", [115] = "clock_nanosleep", [202] = "accept",
            [242] = "accept4", [203] = "connect", [207] = "recvfrom", [212] = "recvmsg", [260] = "wait4", [95] = "waitid",
            [133] = "rt_sigsuspend", [137] = "rt_sigtimedwait", [441] = "epoll_pwait2", [449] = "futex_waitv",
        }
        : new()
        {
            [0] = "read", [1] = "write", [7] = "poll", [17] = "pread64", [19] = "readv", [23] = "select", [34] = "pause",
            [35] = "nanosleep", [42] = "connect", [43] = "accept", [45] = "recvfrom", [47] = "recvmsg", [61] = "wait4",
            [128] = "rt_sigtimedwait", [130] = "rt_sigsuspend", [202] = "futex", [230] = "clock_nanosleep",
            [232] = "epoll_wait", [247] = "waitid", [270] = "pselect6", [271] = "ppoll", [281] = "epoll_pwait",
            [288] = "accept4", [441] = "epoll_pwait2", [449] = "futex_waitv",
        };

    /// <summary>What the thread is blocked in; null when it is running or /proc won't say.</summary>
    public static ThreadWait? TryRead(int processId, int threadId)
    {
        if (threadId <= 0) return null;
        var directory = $"/proc/{processId}/task/{threadId}";
        var syscallText = ReadOrNull(directory + "/syscall")?.Trim();
        var wchan = ReadOrNull(directory + "/wchan")?.Trim();
        if (wchan is "" or "0") wchan = null;
        if (syscallText is null or "running" && wchan is null) return null;
        int? number = null;
        if (syscallText is not null && syscallText != "running")
        {
            var first = syscallText.Split(' ')[0];
            if (int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0) number = n;
        }
        var name = number is { } k && _names.TryGetValue(k, out var known) ? known : null;
        return new ThreadWait(name, number, wchan, MeaningOf(name));
    }

    /// <summary>The Python calls that usually end in each system call.</summary>
    private static string? MeaningOf(string? syscall) => syscall switch
    {
        "futex" or "futex_waitv" => "a lock (Lock.acquire, Condition.wait, Event.wait, Queue.get, join...)",
        "clock_nanosleep" or "nanosleep" => "time.sleep",
        "select" or "pselect6" or "poll" or "ppoll" or "epoll_wait" or "epoll_pwait" or "epoll_pwait2" => "select/poll: waiting for I/O (time.sleep before 3.11)",
        "read" or "readv" or "pread64" or "recvfrom" or "recvmsg" => "reading a file, pipe or socket",
        "write" => "writing a file, pipe or socket",
        "accept" or "accept4" => "socket.accept",
        "connect" => "socket.connect",
        "wait4" or "waitid" => "waiting for a child process",
        "pause" or "rt_sigsuspend" or "rt_sigtimedwait" => "waiting for a signal",
        _ => null,
    };

    private static string? ReadOrNull(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
