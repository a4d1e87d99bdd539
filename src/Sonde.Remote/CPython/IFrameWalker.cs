namespace Sonde.Remote.CPython;

/// <summary>Walks one thread's chain of Python frames; one implementation per frame representation.</summary>
internal interface IFrameWalker
{
    const int MaxDepth = 20_000;

    /// <summary>Appends the thread's frames, innermost first, reading them through <paramref name="reads"/>.</summary>
    WalkResult Walk(in RemoteThread thread, List<RawFrame> frames, FrameReads reads);
}
