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
    private static long _lastRecorderId;
    private readonly long _recorderId = Interlocked.Increment(ref _lastRecorderId);
    private int[] _frameIds = new int[256];
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
        // Samplers of several processes may call at once (--subprocesses), so the shared buffer is used under the lock.
        lock (_lock)
        {
            var offset = _processLabel is null ? 0 : 1;
            if (_frameIds.Length < frames.Count + offset) _frameIds = new int[(frames.Count + offset) * 2];
            if (offset == 1) _frameIds[0] = ProcessFrame(sample.ProcessId);
            for (var i = 0; i < frames.Count; i++) _frameIds[offset + frames.Count - 1 - i] = FrameId(frames[i]);
            var stack = Profile.Stacks.Intern(_frameIds.AsSpan(0, frames.Count + offset));
            var tid = sample.NativeThreadId != 0 ? sample.NativeThreadId : (long)sample.ThreadIdent;
            var thread = Profile.ThreadIndex(sample.ProcessId, tid, sample.ThreadName ?? _names.NameOf(sample.NativeThreadId));
            var resident = Volatile.Read(ref _resident);
            var growth = resident > _residentAttributed && _residentAttributed != 0 ? resident - _residentAttributed : 0;
            if (resident != 0) _residentAttributed = resident;
            Profile.AddSample(stack, thread, sample.TimestampNs, [1, sample.IntervalNs, sample.CpuNs, growth]);
        }
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
