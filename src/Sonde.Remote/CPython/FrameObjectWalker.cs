using Sonde.Remote.CPython.Layouts;

namespace Sonde.Remote.CPython;

/// <summary>CPython 3.8-3.10: every frame is a heap PyFrameObject linked through <c>f_back</c>.</summary>
internal sealed class FrameObjectWalker(RemoteObjects objects) : IFrameWalker
{
    private const int MaxPassedOver = 32;

    private readonly PythonLayout _layout = objects.Layout;
    private readonly int _frameSize = new[]
    {
        objects.Layout.FrameBack, objects.Layout.FrameCode, objects.Layout.FrameGlobals, objects.Layout.FrameLasti,
        objects.Layout.FrameExecuting, objects.Layout.FrameState,
    }.Max() + 8;

    /// <summary>Always 0: the walk ends where a frame's <c>f_back</c> is null.</summary>
    public ulong OutermostCaller => 0;

    /// <summary>Always 0: frames are heap objects, read one by one, so there are no unchanged bytes to compare.</summary>
    public int ReusedFrames => 0;

    /// <summary>The known base saves nothing here: the base frame must be read anyway, and nothing lies below it.</summary>
    public WalkResult Walk(in RemoteThread thread, in KnownBase knownBase, LastWalk last, ulong unchangedBelow, List<RawFrame> frames, FrameReads reads)
    {
        Span<byte> block = stackalloc byte[_frameSize];
        var address = thread.TopFrame;
        var passedOver = 0;
        for (var depth = 0; address != 0; depth++)
        {
            if (depth >= IFrameWalker.MaxDepth) return WalkResult.TooDeep;
            if (!RemoteReader.LooksLikeObjectPointer(address)) return WalkResult.Torn;
            scoped ReadOnlySpan<byte> frame = reads.Prefetched(address, _frameSize);
            if (frame.IsEmpty)
            {
                if (!reads.Read(address, block)) return WalkResult.Torn;
                reads.Record(address, _frameSize);
                frame = block;
            }
            // Every frame on a running thread's chain is executing, but frames are read one after another while
            // the thread runs on. A frame that is no longer executing has returned (or, a generator, yielded)
            // since the frames inside it were read, so those are gone too: they are dropped and the walk goes on
            // from its caller, which a returned frame keeps in f_back until it is reused. What remains is the
            // stack as it was when its innermost frame was read. A chain that led astray (a frame reused, a
            // generator's cleared f_back) ends elsewhere than the thread's base, which the caller checks.
            if (!IsExecuting(frame))
            {
                // A freed frame on the free list links to the next free one, not to its caller: such a chain
                // (sometimes a loop) is given up on early rather than read frame after frame.
                if (++passedOver > MaxPassedOver) return WalkResult.Torn;
                frames.Clear();
                address = RemoteReader.Pointer(frame, _layout.FrameBack);
                continue;
            }
            var lasti = RemoteReader.Int32(frame, _layout.FrameLasti);
            // 3.10 counts f_lasti in 2-byte code units; 3.8 and 3.9 count bytes.
            var byteOffset = _layout.Minor >= 10 ? lasti * 2 : lasti;
            frames.Add(new RawFrame(address, RemoteReader.Pointer(frame, _layout.FrameCode), byteOffset,
                RemoteReader.Pointer(frame, _layout.FrameGlobals)));
            address = RemoteReader.Pointer(frame, _layout.FrameBack);
        }
        return passedOver > 0 && frames.Count == 0 ? WalkResult.Torn : WalkResult.Complete;
    }

    private bool IsExecuting(ReadOnlySpan<byte> frame) =>
        _layout.FrameState >= 0 ? (sbyte)frame[_layout.FrameState] == 0 : _layout.FrameExecuting < 0 || frame[_layout.FrameExecuting] != 0;
}
