namespace Sonde.Remote.CPython;

/// <summary>A frame as the walker finds it: its own address, its code object's, the byte offset of its current instruction, and its globals.</summary>
internal readonly record struct RawFrame(ulong Address, ulong Code, int ByteOffset, ulong Globals);
