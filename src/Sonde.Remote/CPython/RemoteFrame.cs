namespace Sonde.Remote.CPython;

/// <summary>
/// One Python frame read from the target: its code object, the line it was executing, and where the frame itself
/// was (a <c>PyFrameObject</c> on 3.8-3.10, a <c>_PyInterpreterFrame</c> on 3.11+), for reading its locals.
/// </summary>
public readonly record struct RemoteFrame(CodeInfo Code, int Line, ulong Address);
