using Sonde.Remote.CPython.Layouts;

namespace Sonde.Remote.CPython;

/// <summary>CPython 3.8-3.10: every frame is a heap PyFrameObject linked through <c>f_back</c>.</summary>
internal sealed class FrameObjectWalker(RemoteObjects objects) : IFrameWalker
{
    private readonly PythonLayout _layout = objects.Layout;
    private readonly int _frameSize = Math.Max(Math.Max(objects.Layout.FrameBack, objects.Layout.FrameCode), objects.Layout.FrameLasti) + 8;

    public WalkResult Walk(in RemoteThread thread, List<RawFrame> frames)
    {
        Span<byte> block = stackalloc byte[_frameSize];
        var address = thread.TopFrame;
        for (var depth = 0; address != 0; depth++)
        {
            if (depth >= IFrameWalker.MaxDepth) return WalkResult.TooDeep;
            if (!RemoteReader.LooksLikeObjectPointer(address) || !objects.Memory.TryRead(address, block)) return WalkResult.Torn;
            var lasti = RemoteReader.Int32(block, _layout.FrameLasti);
            // 3.10 counts f_lasti in 2-byte code units; 3.8 and 3.9 count bytes.
            var byteOffset = _layout.Minor >= 10 ? lasti * 2 : lasti;
            frames.Add(new RawFrame(RemoteReader.Pointer(block, _layout.FrameCode), byteOffset));
            address = RemoteReader.Pointer(block, _layout.FrameBack);
        }
        return WalkResult.Complete;
    }
}
