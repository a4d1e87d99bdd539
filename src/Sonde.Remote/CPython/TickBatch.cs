using System.Runtime.InteropServices;
using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>
/// Reads, in one <c>process_vm_readv</c> with many ranges, everything a sampler tick usually needs: the
/// interpreter's thread list as last seen, and for each thread walked last tick the frame bytes its walk used and
/// the code object headers the <see cref="CodeObjectCache"/> doesn't trust without a look. A walk of these bytes
/// that ends at the thread's known base needs no further reads (see <see cref="KnownBase.ReachedBy"/>); any other walk is
/// checked with a read after it. Whatever the batch missed (a new thread, a deeper stack, a new code object) is
/// read as before.
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
    private readonly CodeObjectCache _codes;
    private readonly ulong _runtime;
    private readonly int _tstateSize;
    private readonly bool _topFrameInCframe;
    private readonly int _topFrameOffset;
    // Up to 3.10 the main interpreter's state is allocated, so the batch reads the pointer to it and the head of its
    // thread list. From 3.11 it is part of _PyRuntime and never moves, and the list's links tell every change to it
    // (see TryRead), so the head, which on 3.11 costs a range of its own, isn't read.
    private readonly bool _readsHead;
    private readonly Dictionary<ulong, ThreadPlan> _plans = [];
    private readonly ReadPlan _read = new();
    private readonly List<RemoteRange> _head = [];
    private readonly List<RemoteRange> _headers = [];
    private readonly List<ThreadPlan> _fetching = [];

    private ulong _knownInterp;
    private int _knownCount;
    private ulong[] _knownTstates = new ulong[16];
    private ulong[] _knownCframes = new ulong[16];
    private ulong[] _knownIdents = new ulong[16];
    private int[] _knownTids = new int[16];
    private CopiedRange[] _copied = new CopiedRange[64];
    private int[] _headOffsets = new int[64];
    private int[] _headerOffsets = new int[64];
    private RemoteRange _gil;

    public TickBatch(IProcessMemory memory, PythonLayout layout, ulong runtime, int tstateSize, CodeObjectCache codes)
    {
        _memory = memory;
        _layout = layout;
        _codes = codes;
        _runtime = runtime;
        _tstateSize = tstateSize;
        _topFrameInCframe = layout.TstateFrame < 0 && layout.TstateCurrentFrame < 0;
        _topFrameOffset = layout.TstateFrame >= 0 ? layout.TstateFrame : layout.TstateCurrentFrame;
        _readsHead = layout.Minor < 11;
    }

    public byte[] Buffer => _read.Buffer;

    public CopiedRange[] Copied => _copied;

    public PrefetchedHeaders Headers { get; } = new();

    /// <summary>Where in <see cref="Buffer"/> the last <see cref="TryRead"/> put the GIL's bytes; -1 when it didn't read them.</summary>
    public int GilOffset { get; private set; } = -1;

    /// <summary>Reads these bytes of the GIL's state in every batch from now on, so the holder costs no read of its own.</summary>
    public void WatchGil(RemoteRange gil) => _gil = gil;

    /// <summary>
    /// Reads the known thread list and what its threads' walks will need. False when there is no known list or it
    /// changed: the caller then follows the list link by link and calls <see cref="Remember"/>. From 3.11 the list
    /// is known unchanged when each thread state links both ways to its known neighbours and the first has none
    /// before it: CPython adds a thread state at the head, setting the old head's <c>prev</c>, and unlinks one by
    /// setting its neighbours' links, or the next one's <c>prev</c> to null when it was the head.
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
        var batch = _read.Buffer.AsSpan();
        if (_readsHead
            && (RemoteReader.Pointer(batch, _headOffsets[0]) != _knownInterp || RemoteReader.Pointer(batch, _headOffsets[1]) != _knownTstates[0]))
        {
            Forget();
            return false;
        }
        for (var i = 0; i < count; i++)
        {
            var block = batch.Slice(_headOffsets[TstateIndex(i)], _tstateSize);
            if (RemoteReader.Pointer(block, _layout.TstateNext) != (i + 1 < count ? _knownTstates[i + 1] : 0)
                || (!_readsHead && RemoteReader.Pointer(block, _layout.TstatePrev) != (i > 0 ? _knownTstates[i - 1] : 0)))
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
                if (cframe == _knownCframes[i]) topFrame = RemoteReader.Pointer(batch, _headOffsets[TstateIndex(i) + 1]);
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
                _layout.TstateDatastackChunk >= 0 ? RemoteReader.Pointer(block, _layout.TstateDatastackChunk) : 0, cframe, _layout.HoldsGil(block)));
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

    /// <summary>What the thread's last complete walk used, and what this tick's batch fetched for it.</summary>
    public ThreadPlan PlanOf(ulong tstate)
    {
        if (!_plans.TryGetValue(tstate, out var plan)) _plans[tstate] = plan = new ThreadPlan();
        return plan;
    }

    /// <summary>
    /// Notes what a complete walk used, for the next tick's batch; <paramref name="outermostCaller"/> is what the
    /// outermost frame's link to its caller held. (Resolving the walk kept its frames, in the plan's
    /// <see cref="ThreadPlan.Last"/>.)
    /// </summary>
    public void Learn(ThreadPlan plan, in RemoteThread thread, List<RemoteRange> used, List<RawFrame> raw, ulong outermostCaller)
    {
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
        plan.Base = raw.Count > 0 ? new KnownBase(raw[^1].Address, raw[^1].Code, outermostCaller) : KnownBase.None;
        plan.Walked = true;
    }

    /// <summary>
    /// Plans and reads the batch in two groups, each merged where neighbours allow (see <see cref="ReadPlan"/>):
    /// the thread list and the GIL, then the frames and the code headers the cache doesn't trust yet.
    /// </summary>
    private bool ReadBatch(int count)
    {
        _read.Clear();
        _fetching.Clear();
        _head.Clear();
        if (_readsHead)
        {
            _head.Add(new RemoteRange(_runtime + (ulong)_layout.RuntimeInterpretersMain, PointerSize));
            _head.Add(new RemoteRange(_knownInterp + (ulong)_layout.InterpThreadsHead, PointerSize));
        }
        for (var i = 0; i < count; i++)
        {
            _head.Add(new RemoteRange(_knownTstates[i], _tstateSize));
            if (_topFrameInCframe) _head.Add(new RemoteRange(_knownCframes[i] + (ulong)_layout.CframeCurrentFrame, PointerSize));
        }
        if (_gil.Length > 0) _head.Add(_gil);
        if (_headOffsets.Length < _head.Count) _headOffsets = new int[_head.Count * 2];
        _read.AddInAddressOrder(CollectionsMarshal.AsSpan(_head), _headOffsets);
        _read.Barrier();

        var copied = 0;
        for (var i = 0; i < count; i++)
        {
            if (!_plans.TryGetValue(_knownTstates[i], out var plan)) continue;
            plan.Fetched = false;
            if (!plan.Walked || _read.Bytes + PlanBytes(plan) > MaxBatchBytes) continue;
            if (_copied.Length < copied + plan.Ranges.Count) Array.Resize(ref _copied, (copied + plan.Ranges.Count) * 2);
            plan.FirstRange = copied;
            plan.RangeCount = plan.Ranges.Count;
            foreach (var range in plan.Ranges) _copied[copied++] = new CopiedRange(range.Address, range.Length, _read.Add(range.Address, range.Length));
            _fetching.Add(plan);
            plan.Fetched = true;
        }
        PlanHeaders();

        var read = _read.TryRead(_memory);
        Headers.Filled(_read.Buffer);
        if (!read) return false;
        GilOffset = _gil.Length > 0 ? _headOffsets[_head.Count - 1] : -1;
        return true;
    }

    /// <summary>The code headers the fetching threads' walks will need and the cache can't vouch for, in address order.</summary>
    private void PlanHeaders()
    {
        _headers.Clear();
        var nowMs = CodeObjectCache.NowMs();
        foreach (var plan in _fetching)
        {
            if (_codes.TrustsWholeWalk(plan.Last, nowMs)) continue;
            var frames = plan.Last.Frames;
            var codes = plan.Last.Codes;
            for (var i = 0; i < frames.Length; i++)
            {
                if (i > 0 && frames[i].RunsSameCodeAs(frames[i - 1])) continue;
                if (!_codes.Trusts(codes[i]!, frames[i].Globals, nowMs) && Headers.Plan(frames[i].Code))
                    _headers.Add(new RemoteRange(frames[i].Code, _codes.HeaderBytes));
            }
        }
        if (_headerOffsets.Length < _headers.Count) _headerOffsets = new int[_headers.Count * 2];
        _read.AddInAddressOrder(CollectionsMarshal.AsSpan(_headers), _headerOffsets);
        for (var i = 0; i < _headers.Count; i++) Headers.Place(_headers[i].Address, _headerOffsets[i]);
    }

    private int PlanBytes(ThreadPlan plan)
    {
        var total = plan.Last.Frames.Length * _codes.HeaderBytes;
        foreach (var range in plan.Ranges) total += range.Length;
        return total;
    }

    /// <summary>Where the head holds thread <paramref name="i"/>'s state; on 3.11-3.12 its cframe's current frame follows.</summary>
    private int TstateIndex(int i) => (_readsHead ? 2 : 0) + i * (_topFrameInCframe ? 2 : 1);

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
