using Sonde.Profiles;
using Sonde.Remote.CPython;
using Sonde.Remote.Sampling;

namespace Sonde.Cli.Top;

/// <summary>
/// The sink behind `top`: counts samples per (stack, thread, running or not), both for the current refresh window
/// and since the start. Unlike a recording it keeps no per-sample rows, so memory stays bounded by the number of
/// distinct stacks however long `top` runs. Samplers of several processes may feed it at once, hence the lock.
/// </summary>
internal sealed class TopAggregator : ISampleSink
{
    private readonly object _lock = new();
    private readonly FrameTable _functions = new();
    private readonly StackTable _stacks = new();
    private readonly Dictionary<(int Pid, long Tid), int> _threadIndexes = [];
    private readonly List<string> _threadLabels = [];
    private readonly List<(int Pid, int Tid)> _threadIds = [];
    private readonly Dictionary<int, int> _processFrames = [];
    private readonly Func<int, string>? _processLabel;
    private Dictionary<(int Stack, int Thread, bool Active), Counts> _window = [];
    private readonly Dictionary<(int Stack, int Thread, bool Active), Counts> _sinceStart = [];
    private readonly Dictionary<int, bool> _threadsInWindow = [];
    private int[] _frameIds = new int[256];
    private long _gilSamples;

    private struct Counts
    {
        public long Samples;
        public long Ns;
    }

    /// <param name="processLabel">With several processes, the label of the root frame each process's stacks go under.</param>
    public TopAggregator(Func<int, string>? processLabel = null) => _processLabel = processLabel;

    public void OnSample(in ThreadSample sample)
    {
        var frames = sample.Frames;
        lock (_lock)
        {
            var offset = _processLabel is null ? 0 : 1;
            if (_frameIds.Length < frames.Count + offset) _frameIds = new int[(frames.Count + offset) * 2];
            if (offset == 1) _frameIds[0] = ProcessFrame(sample.ProcessId);
            for (var i = 0; i < frames.Count; i++) _frameIds[offset + frames.Count - 1 - i] = FunctionId(frames[i]);
            var stack = _stacks.Intern(_frameIds.AsSpan(0, frames.Count + offset));
            var tid = sample.NativeThreadId != 0 ? sample.NativeThreadId : (long)sample.ThreadIdent;
            if (!_threadIndexes.TryGetValue((sample.ProcessId, tid), out var thread))
            {
                thread = _threadLabels.Count;
                _threadIndexes.Add((sample.ProcessId, tid), thread);
                _threadLabels.Add(new ThreadInfo(sample.ProcessId, tid, sample.ThreadName ?? "").Label);
                _threadIds.Add((sample.ProcessId, sample.NativeThreadId));
            }
            Add(_window, (stack, thread, sample.Active), sample.IntervalNs);
            Add(_sinceStart, (stack, thread, sample.Active), sample.IntervalNs);
            _threadsInWindow[thread] = _threadsInWindow.GetValueOrDefault(thread) || sample.Active;
            if (sample.HoldsGil) _gilSamples++;
        }
    }

    /// <summary>Closes the current window: per-function figures for it and since the start, and starts a new window.</summary>
    public TopWindow TakeWindow()
    {
        lock (_lock)
        {
            var window = _window;
            _window = new Dictionary<(int, int, bool), Counts>(window.Count);
            var entries = new Dictionary<(int Thread, int Function, bool Active), TopEntry>();
            Accumulate(window, entries, sinceStart: false);
            Accumulate(_sinceStart, entries, sinceStart: true);
            var active = _threadsInWindow.Count(t => t.Value);
            var states = new string[_threadLabels.Count];
            foreach (var (thread, ran) in _threadsInWindow) states[thread] = ran ? "running" : WaitOf(thread);
            var result = new TopWindow(
                entries.Values.ToList(),
                Enumerable.Range(0, _functions.Count).Select(f => _functions[f].FunctionKey.Label).ToList(),
                [.. _threadLabels],
                states,
                active, _threadsInWindow.Count - active, _gilSamples);
            _threadsInWindow.Clear();
            _gilSamples = 0;
            return result;
        }
    }

    /// <summary>The system call a thread that never ran in the window waits in, read now: what per-thread rows show.</summary>
    private string WaitOf(int thread)
    {
        var (pid, tid) = _threadIds[thread];
        var wait = ThreadWaitReader.TryRead(pid, tid);
        return wait?.Syscall ?? (wait?.SyscallNumber is { } n ? $"syscall {n}" : wait?.Wchan ?? "idle");
    }

    /// <summary>Spreads each stack's counts over its functions: own to the leaf, total once to each function on it.</summary>
    private void Accumulate(Dictionary<(int Stack, int Thread, bool Active), Counts> counts,
        Dictionary<(int Thread, int Function, bool Active), TopEntry> entries, bool sinceStart)
    {
        var seen = new HashSet<int>();
        foreach (var ((stack, thread, active), c) in counts)
        {
            seen.Clear();
            var leaf = true;
            for (var walk = stack; walk != StackTable.Root; walk = _stacks.ParentOf(walk))
            {
                var function = _stacks.FrameOf(walk);
                var own = leaf;
                leaf = false;
                if (!seen.Add(function)) continue;
                var key = (thread, function, active);
                var entry = entries.GetValueOrDefault(key) ?? new TopEntry(thread, function, active);
                entries[key] = entry;
                if (sinceStart)
                {
                    entry.TotalNs += c.Ns;
                    if (own) entry.OwnNs += c.Ns;
                }
                else
                {
                    entry.WindowTotal += c.Samples;
                    if (own) entry.WindowOwn += c.Samples;
                }
            }
        }
    }

    private static void Add(Dictionary<(int, int, bool), Counts> counts, (int, int, bool) key, long ns)
    {
        var c = counts.GetValueOrDefault(key);
        c.Samples++;
        c.Ns += ns;
        counts[key] = c;
    }

    /// <summary>Frames are kept per function (top has no use for lines); the id is cached on the code object.</summary>
    private int FunctionId(RemoteFrame frame)
    {
        if (frame.Code.ConsumerCache is int id) return id;
        id = _functions.Intern(new Frame(frame.Code.Qualname, frame.Code.Filename, frame.Code.FirstLine));
        frame.Code.ConsumerCache = id;
        return id;
    }

    private int ProcessFrame(int processId)
    {
        if (_processFrames.TryGetValue(processId, out var id)) return id;
        id = _functions.Intern(Frame.Pseudo(_processLabel!(processId), FrameKind.Process));
        _processFrames.Add(processId, id);
        return id;
    }
}
