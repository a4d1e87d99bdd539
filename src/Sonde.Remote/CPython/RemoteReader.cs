using System.Buffers.Binary;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>Little typed reads over <see cref="IProcessMemory"/> that fail soft: a torn or unmapped read returns false.</summary>
internal static class RemoteReader
{
    public static bool TryPointer(this IProcessMemory memory, ulong address, out ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        if (address == 0 || !memory.TryRead(address, buffer))
        {
            value = 0;
            return false;
        }
        value = BinaryPrimitives.ReadUInt64LittleEndian(buffer);
        return true;
    }

    public static bool TryInt32(this IProcessMemory memory, ulong address, out int value)
    {
        Span<byte> buffer = stackalloc byte[4];
        if (address == 0 || !memory.TryRead(address, buffer))
        {
            value = 0;
            return false;
        }
        value = BinaryPrimitives.ReadInt32LittleEndian(buffer);
        return true;
    }

    public static ulong Pointer(ReadOnlySpan<byte> block, int offset) =>
        offset < 0 || offset + 8 > block.Length ? 0 : BinaryPrimitives.ReadUInt64LittleEndian(block[offset..]);

    public static int Int32(ReadOnlySpan<byte> block, int offset) =>
        offset < 0 || offset + 4 > block.Length ? 0 : BinaryPrimitives.ReadInt32LittleEndian(block[offset..]);

    public static long Int64(ReadOnlySpan<byte> block, int offset) =>
        offset < 0 || offset + 8 > block.Length ? 0 : BinaryPrimitives.ReadInt64LittleEndian(block[offset..]);

    /// <summary>User-space addresses on x86-64 and aarch64 are below 2^48 and pointers to objects are 8-aligned.</summary>
    public static bool LooksLikeObjectPointer(ulong address) => address >= 0x1000 && address < (1UL << 48) && (address & 7) == 0;
}
