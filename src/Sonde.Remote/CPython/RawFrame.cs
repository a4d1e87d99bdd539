namespace Sonde.Remote.CPython;

/// <summary>A frame as the walker finds it: its own address, its code object's, the byte offset of its current instruction, and its globals.</summary>
internal readonly record struct RawFrame(ulong Address, ulong Code, int ByteOffset, ulong Globals)
{
    /// <summary>
    /// Whether the other frame runs the same code object under the same globals: frames the cache decides about
    /// together (a run of recursion, or the same frame on two walks).
    /// </summary>
    public bool RunsSameCodeAs(in RawFrame other) => Code == other.Code && Globals == other.Globals;
}
