using Sonde.Profiles;
using Sonde.Remote.CPython;

namespace Sonde.Remote.Sampling;

/// <summary>
/// Turns samples into the profile model. Frames are kept with their executing line; writers that show
/// functions merge lines. Frame ids are cached on each code object, so a sample costs a few lookups per frame.
/// </summary>
public sealed class ProfileRecorder : ISampleSink
{
    private readonly ThreadNames _names;
    private readonly object _lock = new();
    private readonly Func<int, string>? _processLabel;
    private readonly Dictionary<int, int> _processFrames = [];
    private const int MaxRememberedThreads = 4096;

    private readonly Dictionary<(int ProcessId, long ThreadId), LastStack> _lastStacks = [];
    private static long _lastRecorderId;
    private readonly long _recorderId = Interlocked.Increment(ref _lastRecorderId);
    private long _resident;
    private long _residentAttributed;

    /// <param name="processLabel">
    /// With --subprocesses, the label of the <c>process PID (COMMAND)</c> root frame each process's stacks start with.
    /// </param>
    public ProfileRecorder(int processId, Func<int, string>? processLabel = null)
    {
        _names = new ThreadNames(processId);
        _processLabel = processLabel;
        Profile = new Profile(WeightType.Samples, WeightType.WallTime, WeightType.CpuTime, WeightType.RssGrowth);
    }

    /// <summary>
    /// The target's resident set size as last read from outside (any thread). The growth since the previous
    /// sample goes to the next sample's <c>rss-growth</c> weight: the stacks running while RSS grew.
    /// </summary>
    public void ObserveResident(long bytes)
    {
        // The first reading is the baseline: start-up's RSS is nobody's growth.
        Interlocked.CompareExchange(ref _residentAttributed, bytes, 0);
        Volatile.Write(ref _resident, bytes);
    }

    /// <summary>The profile being built. Read it only under <see cref="Lock"/> while sampling goes on.</summary>
    public Profile Profile { get; }

    public object Lock => _lock;

    public void OnSample(in ThreadSample sample)
    {
        var frames = sample.Frames;
        // Samplers of several processes may call at once (--subprocesses), so the shared state is used under the lock.
        lock (_lock)
        {
            var tid = sample.NativeThreadId != 0 ? sample.NativeThreadId : (long)sample.ThreadIdent;
            var stack = InternStack(sample.ProcessId, tid, frames);
            var thread = Profile.ThreadIndex(sample.ProcessId, tid, sample.ThreadName ?? _names.NameOf(sample.NativeThreadId));
            var resident = Volatile.Read(ref _resident);
            var growth = resident > _residentAttributed && _residentAttributed != 0 ? resident - _residentAttributed : 0;
            if (resident != 0) _residentAttributed = resident;
            var state = sample.HoldsGil ? SampleState.HoldingGil : sample.Active ? SampleState.Running : SampleState.Idle;
            Profile.AddSample(stack, thread, sample.TimestampNs, [1, sample.IntervalNs, sample.CpuNs, growth], state);
        }
    }

    /// <summary>
    /// The stack id of <paramref name="frames"/> (innermost first). A thread's consecutive samples mostly share
    /// their outer frames, so only the frames below the part shared with the thread's previous sample are looked
    /// up and interned: a deep stack that stays put costs a comparison per frame.
    /// </summary>
    private int InternStack(int processId, long tid, List<RemoteFrame> frames)
    {
        if (!_lastStacks.TryGetValue((processId, tid), out var last))
        {
            if (_lastStacks.Count >= MaxRememberedThreads) _lastStacks.Clear();
            _lastStacks[(processId, tid)] = last = new LastStack();
        }
        var count = frames.Count;
        var shared = 0;
        while (shared < count && shared < last.Depth && ReferenceEquals(last.Codes[shared], frames[count - 1 - shared].Code)
               && last.Lines[shared] == frames[count - 1 - shared].Line)
            shared++;
        int stack;
        if (shared > 0) stack = last.PrefixIds[shared - 1];
        else stack = _processLabel is null ? StackTable.Root : Profile.Stacks.Intern(StackTable.Root, ProcessFrame(processId));
        last.EnsureCapacity(count);
        for (var i = shared; i < count; i++)
        {
            var frame = frames[count - 1 - i];
            stack = Profile.Stacks.Intern(stack, FrameId(frame));
            last.Codes[i] = frame.Code;
            last.Lines[i] = frame.Line;
            last.PrefixIds[i] = stack;
        }
        last.Depth = count;
        return stack;
    }

    private int ProcessFrame(int processId)
    {
        if (_processFrames.TryGetValue(processId, out var id)) return id;
        id = Profile.Frames.Intern(Frame.Pseudo(_processLabel!(processId), FrameKind.Process));
        _processFrames.Add(processId, id);
        return id;
    }

    private int FrameId(RemoteFrame frame)
    {
        // The cached ids belong to one recorder's profile: a recorder that starts a new profile on the same
        // interpreter (`sonde agent`, one per window) must not reuse another's frame ids. The cache names its
        // recorder by number, so a code object seen once doesn't keep an old window's profile alive.
        if (frame.Code.ConsumerCache is not FrameIds cached || cached.RecorderId != _recorderId)
        {
            cached = new FrameIds(_recorderId);
            frame.Code.ConsumerCache = cached;
        }
        if (!cached.ByLine.TryGetValue(frame.Line, out var id))
        {
            id = Profile.Frames.Intern(new Frame(frame.Code.Qualname, frame.Code.Filename, frame.Code.FirstLine, frame.Line));
            cached.ByLine.Add(frame.Line, id);
        }
        return id;
    }

    /// <summary>A code object's frame id per line, in the profile of the recorder they were interned by.</summary>
    private sealed class FrameIds(long recorderId)
    {
        public long RecorderId { get; } = recorderId;
        public Dictionary<int, int> ByLine { get; } = [];
    }
}
