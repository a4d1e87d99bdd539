using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sonde.Remote.Memory;

/// <summary>Typed reads on top of <see cref="IProcessMemory.TryRead"/>; the target's byte order is our own.</summary>
public static class ProcessMemoryExtensions
{
    public static bool TryReadUInt64(this IProcessMemory memory, ulong address, out ulong value) =>
        memory.TryReadStruct(address, out value);

    public static bool TryReadInt64(this IProcessMemory memory, ulong address, out long value) =>
        memory.TryReadStruct(address, out value);

    public static bool TryReadInt32(this IProcessMemory memory, ulong address, out int value) =>
        memory.TryReadStruct(address, out value);

    public static bool TryReadUInt32(this IProcessMemory memory, ulong address, out uint value) =>
        memory.TryReadStruct(address, out value);

    /// <summary>Reads a pointer-sized value; Sonde only targets 64-bit processes.</summary>
    public static bool TryReadPointer(this IProcessMemory memory, ulong address, out ulong value) =>
        memory.TryReadStruct(address, out value);

    public static bool TryReadStruct<T>(this IProcessMemory memory, ulong address, out T value)
        where T : unmanaged
    {
        value = default;
        return memory.TryRead(address, MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref value, 1)));
    }

    /// <summary>Reads a <typeparamref name="T"/>, or throws when any of its bytes is unmapped.</summary>
    public static T ReadStruct<T>(this IProcessMemory memory, ulong address)
        where T : unmanaged
    {
        if (!memory.TryReadStruct(address, out T value))
        {
            throw new Sonde.Profiles.Errors.TargetException(
                $"could not read {Unsafe.SizeOf<T>()} bytes at 0x{address:x} in process {memory.ProcessId}; " +
                "the process may be changing too fast, try again");
        }
        return value;
    }
}
