using System.Buffers.Binary;

namespace Sonde.Remote.CPython;

/// <summary>Typed reads from a block already copied out of the target; an offset outside the block reads as 0.</summary>
internal static class RemoteReader
{
    public static ulong Pointer(ReadOnlySpan<byte> block, int offset) =>
        offset < 0 || offset + 8 > block.Length ? 0 : BinaryPrimitives.ReadUInt64LittleEndian(block[offset..]);

    public static int Int32(ReadOnlySpan<byte> block, int offset) =>
        offset < 0 || offset + 4 > block.Length ? 0 : BinaryPrimitives.ReadInt32LittleEndian(block[offset..]);

    public static long Int64(ReadOnlySpan<byte> block, int offset) =>
        offset < 0 || offset + 8 > block.Length ? 0 : BinaryPrimitives.ReadInt64LittleEndian(block[offset..]);

    /// <summary>User-space addresses on x86-64 and aarch64 are below 2^48 and pointers to objects are 8-aligned.</summary>
    public static bool LooksLikeObjectPointer(ulong address) => address >= 0x1000 && address < (1UL << 48) && (address & 7) == 0;
}
