using System.Globalization;
using Sonde.Profiles.Memory;

namespace Sonde.Cli.Targets;

/// <summary>
/// Reads a process's resident set size and thread count from /proc/PID/status from outside, on its own thread,
/// and its proportional set size from /proc/PID/smaps_rollup less often (the kernel walks the page tables for
/// it). Times are nanoseconds since <c>origin</c>, a wall-clock time in Unix nanoseconds.
/// </summary>
internal sealed class ProcessMemorySampler : IDisposable
{
    private static readonly TimeSpan _interval = TimeSpan.FromMilliseconds(20);
    private const int PssEvery = 25;

    private readonly int _processId;
    private readonly long _originUnixNs;
    private readonly Thread _thread;
    private readonly object _lock = new();
    private readonly List<TimelinePoint> _rss = [];
    private readonly List<TimelinePoint> _pss = [];
    private readonly List<TimelinePoint> _threads = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<long>? _onResident;

    /// <param name="onResident">Told every RSS reading, in bytes, on the sampler's thread.</param>
    public ProcessMemorySampler(int processId, long originUnixNs, Action<long>? onResident = null)
    {
        _processId = processId;
        _originUnixNs = originUnixNs;
        _onResident = onResident;
        _thread = new Thread(Run) { IsBackground = true, Name = "sonde memory sampler" };
        _thread.Start();
    }

    /// <summary>Stops sampling and adds the series to <paramref name="memory"/>.</summary>
    public void AddTo(MemoryData memory)
    {
        Stop();
        lock (_lock)
        {
            memory.SeriesNamed(MemoryData.RssSeries).AddRange(_rss);
            if (_pss.Count > 0) memory.SeriesNamed(MemoryData.PssSeries).AddRange(_pss);
            memory.SeriesNamed(MemoryData.ThreadsSeries).AddRange(_threads);
        }
    }

    private void Stop()
    {
        if (!_stop.IsCancellationRequested) _stop.Cancel();
        _thread.Join();
    }

    private void Run()
    {
        var status = $"/proc/{_processId}/status";
        var rollup = $"/proc/{_processId}/smaps_rollup";
        for (var tick = 0; !_stop.IsCancellationRequested; tick++)
        {
            var now = (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100 - _originUnixNs;
            if (!TryRead(status, out var text)) return;
            var rss = Field(text, "VmRSS:");
            var threads = Field(text, "Threads:");
            long? pss = null;
            if (tick % PssEvery == 0 && TryRead(rollup, out var rollupText)) pss = Field(rollupText, "Pss:");
            // A zombie has no VmRSS line any more: the process is gone.
            if (rss is null) return;
            _onResident?.Invoke(rss.Value * 1024);
            lock (_lock)
            {
                _rss.Add(new TimelinePoint(now, rss.Value * 1024));
                if (threads is { } count) _threads.Add(new TimelinePoint(now, count));
                if (pss is { } proportional) _pss.Add(new TimelinePoint(now, proportional * 1024));
            }
            _stop.Token.WaitHandle.WaitOne(_interval);
        }
    }

    private static bool TryRead(string path, out string text)
    {
        try
        {
            text = File.ReadAllText(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>The number after <paramref name="name"/> at the start of a line (kB for sizes).</summary>
    private static long? Field(string text, string name)
    {
        var start = text.StartsWith(name, StringComparison.Ordinal) ? 0 : text.IndexOf("\n" + name, StringComparison.Ordinal);
        if (start < 0) return null;
        if (text[start] == '\n') start++;
        var span = text.AsSpan(start + name.Length).TrimStart();
        var end = span.IndexOfAny(' ', '\n');
        if (end >= 0) span = span[..end];
        return long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }
}
