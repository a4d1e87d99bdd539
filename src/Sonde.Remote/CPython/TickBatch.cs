using System.Runtime.InteropServices;
using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>
/// Reads, in one <c>process_vm_readv</c> with many ranges, everything a sampler tick usually needs: the
/// interpreter's thread list as last seen, and for each thread walked last tick the frame bytes and code object
/// headers its walk used, followed by the pointers that must not have changed meanwhile (the innermost frame, and
/// on 3.8-3.10 the outermost frame's caller). The kernel copies the ranges in order, so those pointers are read
/// after the frames, just as a separate read after the walk would read them. Whatever the batch missed (a new
/// thread, a deeper stack, a new code object) is read as before, and that walk is checked with reads of its own.
/// </summary>
internal sealed class TickBatch
{
    /// <summary>Every chunk of a thread's data stack is at least this large (DATA_STACK_CHUNK_SIZE, 3.11+).</summary>
    private const int ChunkMinimumSize = 16 * 1024;
    /// <summary>How far above the innermost frame the next batch reads, so a slightly deeper stack is still in it.</summary>
    private const int GrowthSlack = 2048;
    private const int MaxBatchBytes = 1 << 20;
    private const int PointerSize = 8;

    private readonly IProcessMemory _memory;
    private readonly PythonLayout _layout;
    private readonly ulong _runtime;
    private readonly int _tstateSize;
    private readonly int _headerSize;
    private readonly bool _topFrameInCframe;
    private readonly int _topFrameOffset;
    private readonly Dictionary<ulong, ThreadPlan> _plans = [];
    private readonly List<RemoteRange> _ranges = [];
    private readonly List<ThreadPlan> _fetching = [];
    private readonly List<int> _fetchingIndex = [];
    private readonly HashSet<ulong> _seenCodes = [];

    private ulong _knownInterp;
    private int _knownCount;
    private ulong[] _knownTstates = new ulong[16];
    private ulong[] _knownCframes = new ulong[16];
    private ulong[] _knownIdents = new ulong[16];
    private int[] _knownTids = new int[16];
    private CopiedRange[] _copied = new CopiedRange[64];
    private byte[] _buffer = new byte[16 * 1024];
    private RemoteRange _gil;

    public TickBatch(IProcessMemory memory, PythonLayout layout, ulong runtime, int tstateSize, int headerSize)
    {
        _memory = memory;
        _layout = layout;
        _runtime = runtime;
        _tstateSize = tstateSize;
        _headerSize = headerSize;
        _topFrameInCframe = layout.TstateFrame < 0 && layout.TstateCurrentFrame < 0;
        _topFrameOffset = layout.TstateFrame >= 0 ? layout.TstateFrame : layout.TstateCurrentFrame;
    }

    public byte[] Buffer => _buffer;

    public CopiedRange[] Copied => _copied;

    public PrefetchedHeaders Headers { get; } = new();

    /// <summary>Where in <see cref="Buffer"/> the last <see cref="TryRead"/> put the GIL's bytes; -1 when it didn't read them.</summary>
    public int GilOffset { get; private set; } = -1;

    /// <summary>Reads these bytes of the GIL's state in every batch from now on, so the holder costs no read of its own.</summary>
    public void WatchGil(RemoteRange gil) => _gil = gil;

    /// <summary>
    /// Reads the known thread list and what its threads' walks will need. False when there is no known list or it
    /// changed: the caller then follows the list link by link and calls <see cref="Remember"/>.
    /// </summary>
    public bool TryRead(List<RemoteThread> threads)
    {
        var count = _knownCount;
        Headers.Clear();
        GilOffset = -1;
        if (count == 0 || !ReadBatch(count))
        {
            Forget();
            return false;
        }
        var batch = _buffer.AsSpan();
        if (RemoteReader.Pointer(batch, 0) != _knownInterp || RemoteReader.Pointer(batch, PointerSize) != _knownTstates[0])
        {
            Forget();
            return false;
        }
        var perThread = _tstateSize + (_topFrameInCframe ? PointerSize : 0);
        for (var i = 0; i < count; i++)
        {
            var offset = 2 * PointerSize + i * perThread;
            var block = batch.Slice(offset, _tstateSize);
            if (RemoteReader.Pointer(block, _layout.TstateNext) != (i + 1 < count ? _knownTstates[i + 1] : 0))
            {
                threads.Clear();
                Forget();
                return false;
            }
            ulong cframe = 0, topFrame;
            var plan = _plans.GetValueOrDefault(_knownTstates[i]);
            if (_topFrameInCframe)
            {
                cframe = RemoteReader.Pointer(block, _layout.TstateCframe);
                if (cframe == _knownCframes[i]) topFrame = RemoteReader.Pointer(batch, offset + _tstateSize);
                else
                {
                    // The thread entered or left a C call since: its innermost frame hangs off another cframe, and the
                    // batch's checks read the old one, so this thread's walk checks itself.
                    topFrame = CurrentFrameOf(cframe);
                    if (topFrame == ulong.MaxValue)
                    {
                        threads.Clear();
                        Forget();
                        return false;
                    }
                    if (plan is not null) plan.Fetched = false;
                    _knownCframes[i] = cframe;
                    // A batch can't read through a null cframe; next tick follows the list instead.
                    if (cframe == 0) _knownCount = 0;
                }
            }
            else topFrame = RemoteReader.Pointer(block, _topFrameOffset);
            var ident = RemoteReader.Pointer(block, _layout.TstateThreadId);
            int tid;
            if (_layout.TstateNativeThreadId >= 0) tid = RemoteReader.Int32(block, _layout.TstateNativeThreadId);
            else if (ident == _knownIdents[i]) tid = _knownTids[i];
            else
            {
                threads.Clear();
                Forget();
                return false;
            }
            threads.Add(new RemoteThread(_knownTstates[i], ident, tid, topFrame,
                _layout.TstateDatastackChunk >= 0 ? RemoteReader.Pointer(block, _layout.TstateDatastackChunk) : 0, cframe));
        }
        foreach (var plan in _plans.Values) plan.Walked = false;
        return true;
    }

    /// <summary>Keeps the thread list just followed link by link, to read it in one batch next tick.</summary>
    public void Remember(ulong interp, List<RemoteThread> threads)
    {
        _knownCount = 0;
        if (threads.Count == 0 || (_topFrameInCframe && threads.Exists(t => t.Cframe == 0))) return;
        if (_knownTstates.Length < threads.Count)
        {
            var size = threads.Count * 2;
            _knownTstates = new ulong[size];
            _knownCframes = new ulong[size];
            _knownIdents = new ulong[size];
            _knownTids = new int[size];
        }
        for (var i = 0; i < threads.Count; i++)
        {
            _knownTstates[i] = threads[i].Address;
            _knownCframes[i] = threads[i].Cframe;
            _knownIdents[i] = threads[i].ThreadIdent;
            _knownTids[i] = threads[i].NativeThreadId;
        }
        _knownInterp = interp;
        _knownCount = threads.Count;
        // Plans of threads that have gone would never be used again.
        if (_plans.Count > threads.Count)
            foreach (var tstate in _plans.Keys)
                if (!threads.Exists(t => t.Address == tstate)) _plans.Remove(tstate);
    }

    /// <summary>The thread's plan when this tick's batch fetched for it; it is then used up.</summary>
    public ThreadPlan? TakeFetched(ulong tstate)
    {
        if (!_plans.TryGetValue(tstate, out var plan) || !plan.Fetched) return null;
        plan.Fetched = false;
        return plan;
    }

    /// <summary>Whether the pointers read at the end of the batch still say what the thread's walk assumed.</summary>
    public bool ChecksHold(ThreadPlan plan, in RemoteThread thread, ulong outermost)
    {
        var offset = plan.CheckOffset;
        if (_topFrameInCframe)
        {
            if (RemoteReader.Pointer(_buffer, offset) != thread.Cframe) return false;
            offset += PointerSize;
        }
        if (RemoteReader.Pointer(_buffer, offset) != thread.TopFrame) return false;
        return _layout.Minor >= 11 || outermost == 0 || RemoteReader.Pointer(_buffer, offset + PointerSize) == 0;
    }

    /// <summary>
    /// Whether a walk that raced its thread (the innermost frame changed while we read) still holds together: it
    /// followed the links down to the same base frame, running the same code, as the thread's last complete walk.
    /// A thread that calls and returns every few hundred nanoseconds (recursion, small helpers) moves during
    /// nearly every read, so dropping such walks would hide exactly those functions. A walk that went astray
    /// ends elsewhere: 3.8-3.10 chain a freed frame into a free list through <c>f_back</c>, a frame reused by
    /// another thread leads to that thread's base, and a suspended generator's frame no longer links to the
    /// thread's callers. What a kept walk can get wrong is how far it is out of date: its innermost frames are
    /// those of a few microseconds ago.
    /// </summary>
    public bool ReachesBase(ulong tstate, List<RawFrame> raw) =>
        raw.Count > 0 && _plans.TryGetValue(tstate, out var plan) && plan.Outermost != 0
        && raw[^1].Address == plan.Outermost && raw[^1].Code == plan.OutermostCode;

    /// <summary>Notes what a complete walk used, for the next tick's batch.</summary>
    public void Learn(in RemoteThread thread, List<RemoteRange> used, List<RawFrame> raw)
    {
        if (!_plans.TryGetValue(thread.Address, out var plan)) _plans[thread.Address] = plan = new ThreadPlan();
        plan.Ranges.Clear();
        plan.Ranges.AddRange(used);
        var chunk = thread.DatastackChunk;
        if (_layout.Minor >= 11 && chunk != 0 && plan.Ranges.Count > 0)
        {
            // Let the range of the innermost frame reach a little higher, as far as its chunk surely goes, so that a
            // few more calls don't miss the batch.
            var top = plan.Ranges[0];
            var end = top.Address + (ulong)top.Length;
            if (top.Address >= chunk && end <= chunk + ChunkMinimumSize)
                plan.Ranges[0] = top with { Length = (int)(Math.Min(chunk + ChunkMinimumSize, end + GrowthSlack) - top.Address) };
        }
        plan.Codes.Clear();
        _seenCodes.Clear();
        ulong previous = 0;
        foreach (var frame in raw)
        {
            if (frame.Code != previous && _seenCodes.Add(frame.Code)) plan.Codes.Add(frame.Code);
            previous = frame.Code;
        }
        plan.Outermost = raw.Count > 0 ? raw[^1].Address : 0;
        plan.OutermostCode = raw.Count > 0 ? raw[^1].Code : 0;
        plan.Walked = true;
    }

    private bool ReadBatch(int count)
    {
        _ranges.Clear();
        _fetching.Clear();
        _fetchingIndex.Clear();
        var bytes = 0;
        Add(_runtime + (ulong)_layout.RuntimeInterpretersMain, PointerSize, ref bytes);
        Add(_knownInterp + (ulong)_layout.InterpThreadsHead, PointerSize, ref bytes);
        for (var i = 0; i < count; i++)
        {
            Add(_knownTstates[i], _tstateSize, ref bytes);
            if (_topFrameInCframe) Add(_knownCframes[i] + (ulong)_layout.CframeCurrentFrame, PointerSize, ref bytes);
        }
        var gilOffset = -1;
        if (_gil.Length > 0)
        {
            gilOffset = bytes;
            Add(_gil.Address, _gil.Length, ref bytes);
        }

        var copied = 0;
        for (var i = 0; i < count; i++)
        {
            if (!_plans.TryGetValue(_knownTstates[i], out var plan)) continue;
            plan.Fetched = false;
            if (!plan.Walked || bytes + PlanBytes(plan) > MaxBatchBytes) continue;
            if (_copied.Length < copied + plan.Ranges.Count) Array.Resize(ref _copied, (copied + plan.Ranges.Count) * 2);
            plan.FirstRange = copied;
            plan.RangeCount = plan.Ranges.Count;
            foreach (var range in plan.Ranges)
            {
                _copied[copied++] = new CopiedRange(range.Address, range.Length, bytes);
                Add(range.Address, range.Length, ref bytes);
            }
            _fetching.Add(plan);
            _fetchingIndex.Add(i);
        }
        foreach (var plan in _fetching)
            foreach (var code in plan.Codes)
                if (Headers.Plan(code))
                {
                    Headers.Place(code, bytes);
                    Add(code, _headerSize, ref bytes);
                }
        for (var f = 0; f < _fetching.Count; f++)
        {
            var plan = _fetching[f];
            var tstate = _knownTstates[_fetchingIndex[f]];
            plan.CheckOffset = bytes;
            if (_topFrameInCframe)
            {
                Add(tstate + (ulong)_layout.TstateCframe, PointerSize, ref bytes);
                Add(_knownCframes[_fetchingIndex[f]] + (ulong)_layout.CframeCurrentFrame, PointerSize, ref bytes);
            }
            else Add(tstate + (ulong)_topFrameOffset, PointerSize, ref bytes);
            if (_layout.Minor < 11 && plan.Outermost != 0) Add(plan.Outermost + (ulong)_layout.FrameBack, PointerSize, ref bytes);
            plan.Fetched = true;
        }

        if (_buffer.Length < bytes) _buffer = new byte[bytes * 2];
        Headers.Filled(_buffer);
        if (_memory.ReadMany(CollectionsMarshal.AsSpan(_ranges), _buffer) != _ranges.Count) return false;
        GilOffset = gilOffset;
        return true;
    }

    private int PlanBytes(ThreadPlan plan)
    {
        var total = plan.Codes.Count * _headerSize + 3 * PointerSize;
        foreach (var range in plan.Ranges) total += range.Length;
        return total;
    }

    private void Add(ulong address, int length, ref int bytes)
    {
        _ranges.Add(new RemoteRange(address, length));
        bytes += length;
    }

    private ulong CurrentFrameOf(ulong cframe)
    {
        if (cframe == 0) return 0;
        return _memory.TryReadPointer(cframe + (ulong)_layout.CframeCurrentFrame, out var frame) ? frame : ulong.MaxValue;
    }

    /// <summary>Drops the known list and this tick's fetches; walks then read and check for themselves.</summary>
    private void Forget()
    {
        _knownCount = 0;
        Headers.Clear();
        GilOffset = -1;
        foreach (var plan in _plans.Values) plan.Fetched = plan.Walked = false;
    }
}
