namespace Sonde.Remote.CPython;

/// <summary>One Python frame read from the target: its code object and the line it was executing.</summary>
public readonly record struct RemoteFrame(CodeInfo Code, int Line);
