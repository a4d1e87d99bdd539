namespace Sonde.Remote.CPython;

/// <summary>Walks one thread's chain of Python frames; one implementation per frame representation.</summary>
internal interface IFrameWalker
{
    const int MaxDepth = 20_000;

    /// <summary>
    /// Appends the thread's frames, innermost first, reading them through <paramref name="reads"/>. A walker may
    /// stop at <paramref name="knownBase"/> when it meets that frame again unchanged, rather than read what lies
    /// below it, which its last walk found held no Python frames.
    /// </summary>
    WalkResult Walk(in RemoteThread thread, in KnownBase knownBase, List<RawFrame> frames, FrameReads reads);

    /// <summary>After a complete walk, what its outermost frame's link to its caller held.</summary>
    ulong OutermostCaller { get; }
}
