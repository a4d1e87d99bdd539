using System.Runtime.InteropServices;
using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.CPython.Objects;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>
/// The main interpreter of a CPython process, read from outside: its thread states, their frames and the GIL, and,
/// off the sampling path, frame locals and the names Python gave its threads. Version differences live in the
/// <see cref="PythonLayout"/> and in the frame walker chosen once here.
/// </summary>
public sealed class RemoteInterpreter
{
    private const int MaxThreads = 4096;
    private const int SnapshotAttempts = 8;
    private const int MaxSnapshotRanges = 256;

    private readonly IProcessMemory _memory;
    private readonly ulong _runtime;
    private readonly RemoteObjects _objects;
    private readonly IFrameWalker _walker;
    private readonly PthreadThreadIds? _pthreadIds;
    private readonly FrameLocals _locals;
    private readonly ThreadingNames _threadingNames;
    private readonly int _tstateSize;
    private readonly List<RawFrame> _raw = [];
    private readonly FrameReads _reads;
    private readonly TickBatch _batch;
    private ulong[] _handles = new ulong[16];
    private int[] _tids = new int[16];
    private RemoteRange _gil;
    private readonly List<RemoteRange> _snapshotRanges = [];
    private CopiedRange[] _snapshotTable = [];
    private readonly ReadPlan _snapshot = new();
    private int _gilLockedAt;
    private int _gilHolderAt;
    // From 3.13: the thread state the last TryReadThreads found holding the GIL.
    private ulong _gilHolderFromStates;

    public RemoteInterpreter(IProcessMemory memory, PythonLayout layout, ulong runtimeAddress, BuiltinAddresses? builtins = null)
    {
        _memory = memory;
        _runtime = runtimeAddress;
        Layout = layout;
        _objects = new RemoteObjects(memory, layout);
        Codes = new CodeObjectCache(_objects);
        _walker = layout.Minor >= 11 ? new InterpreterFrameWalker(_objects) : new FrameObjectWalker(_objects);
        _pthreadIds = layout.TstateNativeThreadId < 0 ? new PthreadThreadIds(memory) : null;
        var types = new RemoteTypes(_objects, builtins ?? BuiltinAddresses.Unknown);
        var dicts = new RemoteDicts(_objects, types);
        var attributes = new RemoteAttributes(_objects, types, dicts);
        var ints = new RemoteInts(memory, layout);
        _locals = new FrameLocals(_objects, types, new RemoteValues(_objects, types, ints));
        _threadingNames = new ThreadingNames(_objects, types, new RemoteModules(_objects, dicts, attributes), attributes, dicts, ints);
        int[] tstateFields = [layout.TstatePrev, layout.TstateNext, layout.TstateThreadId, layout.TstateNativeThreadId, layout.TstateFrame,
            layout.TstateCframe, layout.TstateCurrentFrame, layout.TstateDatastackChunk, layout.TstateHoldsGilByte];
        _tstateSize = tstateFields.Max() + 8;
        _reads = new FrameReads(memory);
        _batch = new TickBatch(memory, layout, runtimeAddress, _tstateSize, Codes);
    }

    public PythonLayout Layout { get; }

    public int ProcessId => _memory.ProcessId;

    internal CodeObjectCache Codes { get; }

    /// <summary>The main interpreter's state, or 0 before the runtime has created it.</summary>
    public ulong MainInterpreter() => _memory.TryReadPointer(_runtime + (ulong)Layout.RuntimeInterpretersMain, out var interp) ? interp : 0;

    /// <summary>
    /// Reads every thread state of the main interpreter. False when the list could not be read consistently. In a
    /// sampler's loop, the list as last seen is read in one batch together with what each thread's next walk needs
    /// (see <see cref="TickBatch"/>), and followed link by link only when it changed.
    /// </summary>
    public bool TryReadThreads(List<RemoteThread> threads)
    {
        threads.Clear();
        _gilHolderFromStates = 0;
        if (_batch.TryRead(threads))
        {
            NoteGilHolder(threads);
            return true;
        }
        threads.Clear();
        var interp = MainInterpreter();
        if (interp == 0) return true;
        if (!_memory.TryReadPointer(interp + (ulong)Layout.InterpThreadsHead, out var tstate)) return false;

        Span<byte> block = stackalloc byte[_tstateSize];
        while (tstate != 0)
        {
            if (threads.Count >= MaxThreads || !RemoteReader.LooksLikeObjectPointer(tstate) || !_memory.TryRead(tstate, block)) return false;
            var topFrame = TopFrame(block, out var cframe);
            if (topFrame == ulong.MaxValue) return false;
            threads.Add(new RemoteThread(
                tstate,
                RemoteReader.Pointer(block, Layout.TstateThreadId),
                Layout.TstateNativeThreadId >= 0 ? RemoteReader.Int32(block, Layout.TstateNativeThreadId) : 0,
                topFrame,
                Layout.TstateDatastackChunk >= 0 ? RemoteReader.Pointer(block, Layout.TstateDatastackChunk) : 0,
                cframe,
                Layout.HoldsGil(block)));
            tstate = RemoteReader.Pointer(block, Layout.TstateNext);
        }
        if (_pthreadIds is not null) FillNativeIds(threads);
        _batch.Remember(interp, threads);
        NoteGilHolder(threads);
        return true;
    }

    /// <summary>
    /// The thread state holding the GIL, or 0 when it is free or can't be read; call it after
    /// <see cref="TryReadThreads"/>. From 3.13 each thread state says whether it holds the GIL, so this costs no
    /// read; before, after a batch, it comes from that batch (which then reads the GIL's state every tick).
    /// </summary>
    public ulong GilHolder()
    {
        if (Layout.TstateTellsGil) return _gilHolderFromStates;
        var gil = GilState();
        if (gil.Length == 0) return 0;
        Span<byte> bytes = stackalloc byte[gil.Length];
        if (_batch.GilOffset >= 0) _batch.Buffer.AsSpan(_batch.GilOffset, gil.Length).CopyTo(bytes);
        else if (!_memory.TryRead(gil.Address, bytes)) return 0;
        if (RemoteReader.Int32(bytes, _gilLockedAt) == 0) return 0;
        return RemoteReader.Pointer(bytes, _gilHolderAt);
    }

    /// <summary>
    /// The bytes of the GIL's state that hold its locked flag and last holder; empty until the interpreter has a
    /// GIL. Found once: the GIL of the main interpreter never moves (it lives in _PyRuntime up to 3.11, and in
    /// the main interpreter's own state, which is part of _PyRuntime, from 3.12).
    /// </summary>
    private RemoteRange GilState()
    {
        if (_gil.Length > 0) return _gil;
        ulong gil;
        int lockedOffset, holderOffset;
        if (Layout.RuntimeGilLocked >= 0)
        {
            gil = _runtime;
            lockedOffset = Layout.RuntimeGilLocked;
            holderOffset = Layout.RuntimeGilLastHolder;
        }
        else
        {
            var interp = MainInterpreter();
            if (interp == 0 || !_memory.TryReadPointer(interp + (ulong)Layout.InterpGilPointer, out gil) || gil == 0) return default;
            lockedOffset = Layout.GilLocked;
            holderOffset = Layout.GilLastHolder;
        }
        var start = Math.Min(lockedOffset, holderOffset);
        _gilLockedAt = lockedOffset - start;
        _gilHolderAt = holderOffset - start;
        _gil = new RemoteRange(gil + (ulong)start, Math.Max(_gilLockedAt + 4, _gilHolderAt + 8));
        _batch.WatchGil(_gil);
        return _gil;
    }

    private void NoteGilHolder(List<RemoteThread> threads)
    {
        if (!Layout.TstateTellsGil) return;
        foreach (var thread in threads)
            if (thread.HoldsGil) _gilHolderFromStates = thread.Address;
    }

    /// <summary>How many of the last walk's outermost frames were taken unchanged from the walk before it (see <see cref="CallerBytes"/>).</summary>
    internal int ReusedFrames => _walker.ReusedFrames;

    /// <summary>Appends the thread's frames, innermost first.</summary>
    public WalkResult Walk(in RemoteThread thread, List<RemoteFrame> frames)
    {
        var start = frames.Count;
        var result = WalkOnce(thread, frames);
        if (result != WalkResult.Torn) return result;
        var topFrameAt = TopFramePointerAddress(thread);
        for (var attempt = 0; result == WalkResult.Torn && topFrameAt != 0 && attempt < SnapshotAttempts; attempt++)
        {
            // A torn walk may have resolved some frames before it failed.
            frames.RemoveRange(start, frames.Count - start);
            result = WalkSnapshot(thread, topFrameAt, frames, attempt == 0);
        }
        return result;
    }

    /// <summary>
    /// After a walk that raced its thread, the thread's current frame and every range that walk used are read
    /// again in a single call, closer to one instant, and walked again; the result is kept only if it reaches the
    /// thread's base. On 3.8-3.10 frames are heap objects read one call each, and a thread that calls and returns
    /// quickly frees the frames above its callers faster than such a walk goes down; on every version a
    /// generator that yields while it is read cuts the walk short.
    /// </summary>
    private WalkResult WalkSnapshot(in RemoteThread thread, ulong topFrameAt, List<RemoteFrame> frames, bool first)
    {
        if (first) _snapshotRanges.Clear();
        // Each attempt also reads what the attempts before it used: the frames the thread keeps reusing.
        foreach (var range in _reads.Used)
            if (_snapshotRanges.Count < MaxSnapshotRanges && !_snapshotRanges.Contains(range)) _snapshotRanges.Add(range);
        var count = _snapshotRanges.Count;
        if (count == 0) return WalkResult.Torn;
        if (_snapshotTable.Length < count) _snapshotTable = new CopiedRange[count * 2];
        _snapshot.Clear();
        var topFrameOffset = _snapshot.Add(topFrameAt, 8);
        _snapshot.Barrier();
        for (var i = 0; i < count; i++)
        {
            var range = _snapshotRanges[i];
            _snapshotTable[i] = new CopiedRange(range.Address, range.Length, _snapshot.Add(range.Address, range.Length));
        }
        if (!_snapshot.TryRead(_memory)) return WalkResult.Torn;

        _raw.Clear();
        _reads.Begin(_snapshot.Buffer, _snapshotTable, 0, count);
        var again = thread with { TopFrame = RemoteReader.Pointer(_snapshot.Buffer, topFrameOffset) };
        var plan = _batch.PlanOf(thread.Address);
        // This walk reads its own copy, and the last walk it leaves behind may not be the bytes kept.
        plan.Callers.Forget();
        var result = _walker.Walk(again, plan.Base, plan.Last, 0, _raw, _reads);
        if (result != WalkResult.Complete) return result;
        if (!plan.Base.ReachedBy(_raw) || !Codes.Resolve(_raw, frames, null, [], plan.Last, 0)) return WalkResult.Torn;
        _batch.Learn(plan, again, _reads.Used, _raw, _walker.OutermostCaller);
        return WalkResult.Complete;
    }

    private WalkResult WalkOnce(in RemoteThread thread, List<RemoteFrame> frames)
    {
        _raw.Clear();
        var plan = _batch.PlanOf(thread.Address);
        var fetched = plan.TakeFetched();
        ulong unchangedBelow = 0;
        if (fetched)
        {
            _reads.Begin(_batch.Buffer, _batch.Copied, plan.FirstRange, plan.RangeCount);
            if (plan.RangeCount == 1) unchangedBelow = plan.Callers.UnchangedBelow(FetchedBytes(plan, out var start), start);
        }
        else _reads.Begin();
        var result = _walker.Walk(thread, plan.Base, plan.Last, unchangedBelow, _raw, _reads);
        if (result != WalkResult.Complete)
        {
            plan.Callers.Forget();
            return result;
        }
        // A walk that reached the thread's known base holds together (see KnownBase.ReachedBy), and a thread with
        // no frame has nothing to tear. Otherwise, a thread that moved on while we walked (a generator that yielded,
        // a call that returned) can leave a chain cut short that still looks whole: the pointers that led to its
        // innermost frame must not have changed, which a read after the walk confirms. Before 3.11 a coroutine
        // that yielded and was resumed while we read it keeps its innermost frame, but the walk may have read its
        // f_back while it was unlinked: the frame where the walk stopped must still have no caller. From 3.11 the
        // walker catches this from the generator's state and link.
        Span<PointerCheck> checks = stackalloc PointerCheck[3];
        var count = 0;
        if (_raw.Count > 0 && !plan.Base.ReachedBy(_raw))
        {
            count = TopFrameChecks(thread, checks);
            if (Layout.Minor < 11) checks[count++] = new PointerCheck(_raw[^1].Address + (ulong)Layout.FrameBack, 0);
        }
        var resolved = Codes.Resolve(_raw, frames, fetched ? _batch.Headers : null, checks[..count], plan.Last, _walker.ReusedFrames);
        if (!resolved)
        {
            plan.Callers.Forget();
            return WalkResult.Torn;
        }
        _batch.Learn(plan, thread, _reads.Used, _raw, _walker.OutermostCaller);
        KeepCallerBytes(plan, fetched, unchangedBelow);
        return WalkResult.Complete;
    }

    /// <summary>The bytes of the one range the batch fetched for the plan's thread, and where they were read.</summary>
    private ReadOnlySpan<byte> FetchedBytes(ThreadPlan plan, out ulong start)
    {
        var range = _batch.Copied[plan.FirstRange];
        start = range.Address;
        return _batch.Buffer.AsSpan(range.Offset, range.Length);
    }

    /// <summary>
    /// Keeps the bytes the walk just resolved read, for the next walk to compare (see <see cref="CallerBytes"/>):
    /// only from 3.11, when every frame came from the one range fetched, one above the other from the base.
    /// </summary>
    private void KeepCallerBytes(ThreadPlan plan, bool fetched, ulong unchangedBelow)
    {
        if (Layout.Minor < 11 || !fetched || plan.RangeCount != 1 || _raw.Count == 0 || _reads.Used.Count != 1 || !RisingFromBase(_raw, _walker.ReusedFrames))
        {
            plan.Callers.Forget();
            return;
        }
        var bytes = FetchedBytes(plan, out var start);
        var used = _reads.Used[0];
        var end = _raw[0].Address + (ulong)Layout.IFrameSize;
        var rangeEnd = start + (ulong)bytes.Length;
        if (used.Address < start || used.Address + (ulong)used.Length > rangeEnd || end > rangeEnd)
        {
            plan.Callers.Forget();
            return;
        }
        plan.Callers.Keep(bytes, start, (int)(end - start), unchangedBelow);
    }

    /// <summary>
    /// Whether each frame of <paramref name="raw"/> (innermost first) lies wholly above its caller, as frames pushed on
    /// one data-stack chunk do. The outermost <paramref name="reused"/> were found so when they were kept.
    /// </summary>
    private bool RisingFromBase(List<RawFrame> raw, int reused)
    {
        var frames = CollectionsMarshal.AsSpan(raw);
        var frameSize = (ulong)Layout.IFrameSize;
        for (var i = Math.Min(frames.Length - 1, frames.Length - reused) - 1; i >= 0; i--)
            if (frames[i].Address < frames[i + 1].Address + frameSize) return false;
        return true;
    }

    /// <summary>
    /// The frame's bound local variables, read now: call it right after <see cref="Walk"/>. Null when the frame has
    /// returned since (it no longer runs its code) or can't be read. Not for the sampling path: it allocates.
    /// </summary>
    public IReadOnlyList<RemoteLocal>? ReadLocals(in RemoteFrame frame) => _locals.Read(frame);

    /// <summary>Adds thread ident → <c>threading.Thread</c> name for every thread <c>threading</c> knows. False when it isn't imported or can't be read.</summary>
    internal bool TryReadThreadNames(Dictionary<ulong, string> names) => _threadingNames.TryRead(MainInterpreter(), names);

    /// <summary>Where the pointer to the thread's innermost frame is: in its thread state, or on 3.11-3.12 in its current cframe; 0 when it has none.</summary>
    private ulong TopFramePointerAddress(in RemoteThread thread)
    {
        if (Layout.TstateFrame >= 0) return thread.Address + (ulong)Layout.TstateFrame;
        if (Layout.TstateCurrentFrame >= 0) return thread.Address + (ulong)Layout.TstateCurrentFrame;
        return thread.Cframe != 0 ? thread.Cframe + (ulong)Layout.CframeCurrentFrame : 0;
    }

    private int TopFrameChecks(in RemoteThread thread, Span<PointerCheck> checks)
    {
        var count = 0;
        // On 3.11-3.12 the pointer hangs off the thread's current cframe, which must not have changed either.
        if (Layout.TstateFrame < 0 && Layout.TstateCurrentFrame < 0)
            checks[count++] = new PointerCheck(thread.Address + (ulong)Layout.TstateCframe, thread.Cframe);
        var topFrameAt = TopFramePointerAddress(thread);
        if (topFrameAt != 0) checks[count++] = new PointerCheck(topFrameAt, thread.TopFrame);
        return count;
    }

    /// <summary>The innermost frame, from the thread state or, on 3.11 and 3.12, its current cframe; MaxValue when unreadable.</summary>
    private ulong TopFrame(ReadOnlySpan<byte> tstate, out ulong cframe)
    {
        cframe = 0;
        if (Layout.TstateFrame >= 0) return RemoteReader.Pointer(tstate, Layout.TstateFrame);
        if (Layout.TstateCurrentFrame >= 0) return RemoteReader.Pointer(tstate, Layout.TstateCurrentFrame);
        cframe = RemoteReader.Pointer(tstate, Layout.TstateCframe);
        if (cframe == 0) return 0;
        return _memory.TryReadPointer(cframe + (ulong)Layout.CframeCurrentFrame, out var frame) ? frame : ulong.MaxValue;
    }

    private void FillNativeIds(List<RemoteThread> threads)
    {
        if (_handles.Length < threads.Count)
        {
            _handles = new ulong[threads.Count * 2];
            _tids = new int[threads.Count * 2];
        }
        for (var i = 0; i < threads.Count; i++) _handles[i] = threads[i].ThreadIdent;
        _pthreadIds!.Resolve(_handles.AsSpan(0, threads.Count), _tids.AsSpan(0, threads.Count));
        for (var i = 0; i < threads.Count; i++) threads[i] = threads[i] with { NativeThreadId = _tids[i] };
    }
}
