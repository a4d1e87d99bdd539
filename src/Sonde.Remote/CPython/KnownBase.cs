namespace Sonde.Remote.CPython;

/// <summary>
/// A thread's outermost Python frame as its last complete walk found it: the frame, the code object it ran, and
/// what its link to its caller held. A walk that meets this frame again may stop there (see
/// <see cref="IFrameWalker.Walk"/>); <see cref="None"/> when the thread has no complete walk yet.
/// </summary>
internal readonly record struct KnownBase(ulong Frame, ulong Code, ulong Caller)
{
    public static KnownBase None => default;

    /// <summary>
    /// Whether a walk, even one that raced its thread (the innermost frame changed while we read), holds together:
    /// it followed the links down to this frame, running this code. A thread that calls and returns every few
    /// hundred nanoseconds (recursion, small helpers) moves during nearly every read, so dropping such walks would
    /// hide exactly those functions. A walk that went astray ends elsewhere: 3.8-3.10 chain a freed frame into a
    /// free list through <c>f_back</c>, a frame reused by another thread leads to that thread's base, and a
    /// suspended generator's frame no longer links to the thread's callers. What a kept walk can get wrong is how
    /// far it is out of date: its innermost frames are those of a few microseconds ago.
    /// </summary>
    public bool ReachedBy(List<RawFrame> raw) => raw.Count > 0 && Frame != 0 && raw[^1].Address == Frame && raw[^1].Code == Code;
}
