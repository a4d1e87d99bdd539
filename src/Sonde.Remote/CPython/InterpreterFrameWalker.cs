using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sonde.Remote.CPython.Layouts;

namespace Sonde.Remote.CPython;

/// <summary>
/// CPython 3.11+: frames are <c>_PyInterpreterFrame</c>s, mostly packed in the thread's data-stack chunks, newest
/// at the highest address. A sampler's batch usually brought the frames over already (see <see cref="FrameReads"/>);
/// otherwise reading a window below the newest frame usually brings the whole stack over in one call, and frames
/// outside the window (generators, other chunks) are read one by one.
/// </summary>
internal sealed class InterpreterFrameWalker(RemoteObjects objects) : IFrameWalker
{
    private const int WindowSize = 16 * 1024;

    private readonly PythonLayout _layout = objects.Layout;
    // The fields read from every frame, copied out of the layout once: the walk reads them 50 times a tick and more.
    private readonly int _previousAt = FieldWithinFrame(objects.Layout, objects.Layout.IFramePrevious);
    private readonly int _codeAt = FieldWithinFrame(objects.Layout, objects.Layout.IFrameCode);
    private readonly int _instructionAt = FieldWithinFrame(objects.Layout, objects.Layout.IFrameInstrPtr);
    private readonly int _globalsAt = FieldWithinFrame(objects.Layout, objects.Layout.IFrameGlobals);
    private readonly int _ownerAt = FieldWithinFrame(objects.Layout, objects.Layout.IFrameOwner);
    private readonly byte[] _window = new byte[WindowSize];
    private ulong _windowStart;
    private int _windowLength;

    public ulong OutermostCaller { get; private set; }

    public int ReusedFrames { get; private set; }

    /// <summary>
    /// Stops at the known base when it meets it again: the same frame running the same code, owned by the thread
    /// (a thread-owned frame's link to its caller is set once, when it is pushed; a generator's changes at every
    /// resumption), and linking to the same caller. From 3.12 that caller is the C-stack frame the thread entered
    /// Python from, which the last walk found leads no further, and not reading it saves a range per tick.
    /// Also stops at the first thread-owned frame it reads from the batch wholly below
    /// <paramref name="unchangedBelow"/> that the last walk had too, and takes the frames below it from that walk:
    /// the frame's bytes, and those of every frame below it down to the base, are what that walk read (see
    /// <see cref="CallerBytes"/>).
    /// </summary>
    public WalkResult Walk(in RemoteThread thread, in KnownBase knownBase, LastWalk last, ulong unchangedBelow, List<RawFrame> frames, FrameReads reads)
    {
        _windowLength = 0;
        ReusedFrames = 0;
        ulong caller = 0;
        var frameSize = _layout.IFrameSize;
        Span<byte> single = stackalloc byte[frameSize];
        Span<byte> generator = stackalloc byte[frameSize + _layout.GenIFrame - _layout.GenFrameState];
        // The batch's range the last frame came from: a thread's frames mostly sit one below the other in it.
        ReadOnlySpan<byte> fetched = default;
        ulong fetchedStart = 0;
        var address = thread.TopFrame;
        for (var depth = 0; address != 0; depth++)
        {
            if (depth >= IFrameWalker.MaxDepth) return WalkResult.TooDeep;
            if (!RemoteReader.LooksLikeObjectPointer(address)) return WalkResult.Torn;
            scoped ReadOnlySpan<byte> block;
            var offset = address - fetchedStart;
            if (offset < (ulong)fetched.Length && (ulong)fetched.Length - offset >= (ulong)frameSize)
            {
                block = fetched.Slice((int)offset, frameSize);
                reads.UsedFromRange(address, frameSize);
            }
            else
            {
                fetched = reads.PrefetchedRange(address, frameSize, out fetchedStart);
                block = fetched.IsEmpty ? FrameBytes(address, frameSize, thread.DatastackChunk, single, reads) : fetched.Slice((int)(address - fetchedStart), frameSize);
            }
            if (block.IsEmpty) return WalkResult.Torn;
            if (block[_ownerAt] == _layout.FrameOwnedByGenerator)
            {
                fetched = default;
                block = GeneratorFrameBytes(address, generator, reads);
                if (block.IsEmpty) return WalkResult.Torn;
            }

            var previous = PointerAt(block, _previousAt);
            var owner = block[_ownerAt];
            // A running generator always links to its caller; a null link means it yielded between our reads
            // of its state and of the link (the interpreter writes them in that order), so this is not a stack.
            if (previous == 0 && owner == _layout.FrameOwnedByGenerator) return WalkResult.Torn;
            // Frames the interpreter pushes for C calls into Python (3.12+) carry no code to report.
            if (owner != _layout.FrameOwnedByCStack)
            {
                var code = PointerAt(block, _codeAt);
                var byteOffset = (long)(PointerAt(block, _instructionAt) - code - (ulong)_layout.CodeCodeAdaptive);
                frames.Add(new RawFrame(address, code, byteOffset is >= 0 and < int.MaxValue ? (int)byteOffset : -1, PointerAt(block, _globalsAt)));
                caller = previous;
                if (address == knownBase.Frame && code == knownBase.Code && previous == knownBase.Caller && owner == _layout.FrameOwnedByThread)
                    break;
                if (address + (ulong)frameSize <= unchangedBelow && owner == _layout.FrameOwnedByThread && !fetched.IsEmpty)
                {
                    // One look: a frame below this one is below the unchanged bytes too, but no nearer the top.
                    unchangedBelow = 0;
                    if (TakeRestFrom(last, knownBase, frames, reads)) return WalkResult.Complete;
                }
            }
            address = previous;
        }
        OutermostCaller = caller;
        return WalkResult.Complete;
    }

    /// <summary>
    /// Completes the walk with the last walk's frames below the frame just read, when the last walk had that frame,
    /// unchanged, and ended at the known base.
    /// </summary>
    private bool TakeRestFrom(LastWalk last, in KnownBase knownBase, List<RawFrame> frames, FrameReads reads)
    {
        var current = frames[^1];
        var at = last.IndexOfFrame(current.Address);
        var lastFrames = last.Frames;
        if (at < 0 || lastFrames[at] != current || lastFrames[0].Address != knownBase.Frame || lastFrames[0].Code != knownBase.Code) return false;
        var count = frames.Count;
        CollectionsMarshal.SetCount(frames, count + at);
        var taken = CollectionsMarshal.AsSpan(frames)[count..];
        for (var i = 0; i < at; i++) taken[i] = lastFrames[at - 1 - i];
        // The frames taken lie in the range the frame just read came from, down to the base.
        reads.UsedFromRange(lastFrames[0].Address, _layout.IFrameSize);
        ReusedFrames = at + 1;
        OutermostCaller = knownBase.Caller;
        return true;
    }

    /// <summary>A pointer field of a frame's bytes, at an offset checked once to lie within every frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong PointerAt(ReadOnlySpan<byte> frame, int offset) =>
        Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(frame), offset));

    private static int FieldWithinFrame(PythonLayout layout, int offset) =>
        offset >= 0 && offset + 8 <= layout.IFrameSize
            ? offset
            : throw new InvalidOperationException($"A frame field at {offset} lies outside the {layout.IFrameSize}-byte frame of CPython 3.{layout.Minor}'s layout.");

    /// <summary>
    /// Reads a generator's or coroutine's frame together with the state byte just before it, in one call, so the
    /// two agree. A frame that is not executing was suspended while we walked: its <c>previous</c> link no longer
    /// leads to the thread's callers, so the walk is torn (empty result).
    /// </summary>
    private ReadOnlySpan<byte> GeneratorFrameBytes(ulong address, Span<byte> buffer, FrameReads reads)
    {
        var lead = _layout.GenIFrame - _layout.GenFrameState;
        var start = address - (ulong)lead;
        ReadOnlySpan<byte> bytes = reads.Prefetched(start, buffer.Length);
        if (bytes.IsEmpty)
        {
            if (!reads.Read(start, buffer)) return [];
            reads.Record(start, buffer.Length);
            bytes = buffer;
        }
        return (sbyte)bytes[0] == _layout.FrameStateExecuting ? bytes[lead..] : [];
    }

    /// <summary>A frame the batch didn't bring over: from the window of the thread's data stack read last, or read now.</summary>
    private ReadOnlySpan<byte> FrameBytes(ulong address, int frameSize, ulong chunk, Span<byte> single, FrameReads reads)
    {
        if (address >= _windowStart && address + (ulong)frameSize <= _windowStart + (ulong)_windowLength)
        {
            reads.Record(address, frameSize);
            return _window.AsSpan((int)(address - _windowStart), frameSize);
        }

        var end = address + (ulong)frameSize;
        var start = end > WindowSize ? end - WindowSize : 0;
        // The chunk's own header is the lowest address known to be mapped; don't read below it.
        if (chunk != 0 && chunk <= address && start < chunk) start = chunk;
        var length = (int)(end - start);
        reads.Record(address, frameSize);
        if (reads.Read(start, _window.AsSpan(0, length)))
        {
            _windowStart = start;
            _windowLength = length;
            return _window.AsSpan((int)(address - start), frameSize);
        }
        return reads.Read(address, single) ? single : [];
    }
}
