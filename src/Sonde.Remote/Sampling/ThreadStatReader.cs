using Microsoft.Win32.SafeHandles;

namespace Sonde.Remote.Sampling;

/// <summary>
/// Reads a thread's scheduler state from <c>/proc/PID/task/TID/stat</c> and its exact CPU time from
/// <c>/proc/PID/task/TID/schedstat</c>. The files stay open and are re-read with pread at offset 0, which /proc
/// answers with fresh values, so each costs one syscall per thread per sample.
/// </summary>
public sealed class ThreadStatReader(int processId) : IDisposable
{
    private readonly Dictionary<int, SafeFileHandle?> _handles = [];
    private readonly Dictionary<int, SafeFileHandle?> _schedstatHandles = [];
    private readonly byte[] _buffer = new byte[1024];

    /// <summary>Clock ticks per second of utime/stime; 100 on every Linux configuration Sonde targets.</summary>
    public const long ClockTicksPerSecond = 100;

    /// <summary>The state letter (R running, S sleeping, D disk wait, ...) and CPU ticks; false when unreadable.</summary>
    public bool TryRead(int tid, out char state, out long cpuTicks)
    {
        state = '?';
        cpuTicks = 0;
        if (tid <= 0) return false;
        var handle = HandleFor(_handles, tid, "stat");
        if (handle is null) return false;
        int length;
        try { length = RandomAccess.Read(handle, _buffer, 0); }
        catch (IOException) { Forget(tid); return false; }
        return Parse(_buffer.AsSpan(0, length), out state, out cpuTicks);
    }

    /// <summary>Nanoseconds the thread has spent on a CPU since it started; false when unreadable.</summary>
    public bool TryReadCpuNs(int tid, out long cpuNs)
    {
        cpuNs = 0;
        if (tid <= 0) return false;
        var handle = HandleFor(_schedstatHandles, tid, "schedstat");
        if (handle is null) return false;
        int length;
        try { length = RandomAccess.Read(handle, _buffer, 0); }
        catch (IOException) { Forget(tid); return false; }
        cpuNs = ParseLong(_buffer.AsSpan(0, length));
        return length > 0;
    }

    /// <summary>A thread that has gone away; its tid may be reused by a new thread.</summary>
    public void Forget(int tid)
    {
        if (_handles.Remove(tid, out var handle)) handle?.Dispose();
        if (_schedstatHandles.Remove(tid, out var schedstat)) schedstat?.Dispose();
    }

    private SafeFileHandle? HandleFor(Dictionary<int, SafeFileHandle?> cache, int tid, string file)
    {
        if (!cache.TryGetValue(tid, out var handle))
        {
            handle = Open(tid, file);
            cache[tid] = handle;
        }
        return handle;
    }

    internal static bool Parse(ReadOnlySpan<byte> stat, out char state, out long cpuTicks)
    {
        state = '?';
        cpuTicks = 0;
        // The command name in parentheses may itself hold spaces and parentheses; fields resume after the last ')'.
        var close = stat.LastIndexOf((byte)')');
        if (close < 0 || close + 2 >= stat.Length) return false;
        var fields = stat[(close + 2)..];
        state = (char)fields[0];
        // After the state come ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime.
        long utime = 0, stime = 0;
        var index = 0;
        foreach (var range in fields.Split((byte)' '))
        {
            if (index == 11) utime = ParseLong(fields[range]);
            else if (index == 12) { stime = ParseLong(fields[range]); break; }
            index++;
        }
        cpuTicks = utime + stime;
        return true;
    }

    private static long ParseLong(ReadOnlySpan<byte> digits)
    {
        long value = 0;
        foreach (var b in digits)
        {
            if (b < '0' || b > '9') break;
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private SafeFileHandle? Open(int tid, string file)
    {
        try { return File.OpenHandle($"/proc/{processId}/task/{tid}/{file}"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    public void Dispose()
    {
        foreach (var handle in _handles.Values.Concat(_schedstatHandles.Values)) handle?.Dispose();
        _handles.Clear();
        _schedstatHandles.Clear();
    }
}
