namespace Sonde.Remote.CPython;

/// <summary>Walks one thread's chain of Python frames; one implementation per frame representation.</summary>
internal interface IFrameWalker
{
    const int MaxDepth = 20_000;

    /// <summary>
    /// Appends the thread's frames, innermost first, reading them through <paramref name="reads"/>. A walker may
    /// stop at <paramref name="knownBase"/> when it meets that frame again unchanged, rather than read what lies
    /// below it, which its last walk found held no Python frames. Below <paramref name="unchangedBelow"/> (0 for
    /// nowhere), the thread's memory holds what its <paramref name="last"/> walk read, so a walker may take the
    /// frames from there on from that walk (see <see cref="ReusedFrames"/>).
    /// </summary>
    WalkResult Walk(in RemoteThread thread, in KnownBase knownBase, LastWalk last, ulong unchangedBelow, List<RawFrame> frames, FrameReads reads);

    /// <summary>After a complete walk, what its outermost frame's link to its caller held.</summary>
    ulong OutermostCaller { get; }

    /// <summary>After a complete walk, how many of its outermost frames are the last walk's, unchanged.</summary>
    int ReusedFrames { get; }
}
