namespace Sonde.Remote.CPython;

/// <summary>How a stack walk ended. Anything but <see cref="Complete"/> means the stack is partial and is counted as an error.</summary>
public enum WalkResult
{
    Complete,
    /// <summary>A frame or code object could not be read or did not validate, as happens when a read races the target.</summary>
    Torn,
    /// <summary>The chain was longer than <see cref="IFrameWalker.MaxDepth"/> or looped.</summary>
    TooDeep,
}
