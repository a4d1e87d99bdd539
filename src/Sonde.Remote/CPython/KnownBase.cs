namespace Sonde.Remote.CPython;

/// <summary>
/// A thread's outermost Python frame as its last complete walk found it: the frame, the code object it ran, and
/// what its link to its caller held. A walk that meets this frame again may stop there (see
/// <see cref="IFrameWalker.Walk"/>); <see cref="None"/> when the thread has no complete walk yet.
/// </summary>
internal readonly record struct KnownBase(ulong Frame, ulong Code, ulong Caller)
{
    public static KnownBase None => default;
}
