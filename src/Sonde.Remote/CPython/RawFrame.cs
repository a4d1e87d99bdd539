namespace Sonde.Remote.CPython;

/// <summary>A frame as the walker finds it: the code object's address and the byte offset of its current instruction.</summary>
internal readonly record struct RawFrame(ulong Code, int ByteOffset);
