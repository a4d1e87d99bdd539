using Sonde.Remote.CPython;

namespace Sonde.Remote.Sampling;

/// <summary>
/// Names threads as the program named them (<c>threading.Thread.name</c>), falling back to the kernel's name
/// (<see cref="ThreadNames"/>) for threads <c>threading</c> doesn't know or before it is imported. Names are cached
/// per thread, keyed by ident and native id together because a new thread often reuses an old one's ident. The
/// target is read only when a thread without a Python name shows up, at most once per refresh interval, and a
/// thread not found in a few tries keeps its fallback; so the sampler's per-tick cost is a dictionary lookup per
/// thread. A name changed after a thread was first named is not picked up.
/// </summary>
public sealed class PythonThreadNames
{
    /// <summary>Reads of <c>threading._active</c> that may miss a thread before it keeps its fallback name.</summary>
    public const int MaxAttempts = 3;
    private const int MaxCached = 4096;

    private readonly RemoteInterpreter _interpreter;
    private readonly ThreadNames _fallback;
    private readonly long _refreshIntervalMs;
    private readonly Dictionary<(ulong Ident, int Tid), string> _names = [];
    private readonly Dictionary<(ulong Ident, int Tid), int> _misses = [];
    private readonly Dictionary<ulong, string> _snapshot = [];
    private long _lastRefreshMs;
    private bool _refreshed;

    public PythonThreadNames(RemoteInterpreter interpreter, TimeSpan? refreshInterval = null)
    {
        _interpreter = interpreter;
        _fallback = new ThreadNames(interpreter.ProcessId);
        _refreshIntervalMs = (long)(refreshInterval ?? TimeSpan.FromSeconds(1)).TotalMilliseconds;
    }

    /// <summary>Reads the Python names of threads not named yet, if any and if the refresh interval has passed.</summary>
    public void Observe(IReadOnlyList<RemoteThread> threads)
    {
        if (!HasUnnamed(threads)) return;
        var now = Environment.TickCount64;
        if (_refreshed && now - _lastRefreshMs < _refreshIntervalMs) return;
        _refreshed = true;
        _lastRefreshMs = now;

        if (_names.Count > MaxCached) _names.Clear();
        if (_misses.Count > MaxCached) _misses.Clear();
        _snapshot.Clear();
        _interpreter.TryReadThreadNames(_snapshot);
        // Every thread passed in is alive now, so the snapshot's entry for its ident is its own, not a predecessor's.
        foreach (var thread in threads)
        {
            var key = (thread.ThreadIdent, thread.NativeThreadId);
            if (_names.ContainsKey(key)) continue;
            if (_snapshot.TryGetValue(thread.ThreadIdent, out var name)) _names[key] = name;
            else _misses[key] = _misses.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>The thread's Python name when known, else its kernel name ("MainThread" for the process's first thread).</summary>
    public string NameOf(in RemoteThread thread) =>
        _names.TryGetValue((thread.ThreadIdent, thread.NativeThreadId), out var name) ? name : _fallback.NameOf(thread.NativeThreadId);

    private bool HasUnnamed(IReadOnlyList<RemoteThread> threads)
    {
        for (var i = 0; i < threads.Count; i++)
        {
            var key = (threads[i].ThreadIdent, threads[i].NativeThreadId);
            if (!_names.ContainsKey(key) && _misses.GetValueOrDefault(key) < MaxAttempts) return true;
        }
        return false;
    }
}
