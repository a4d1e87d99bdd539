using Sonde.Remote.Memory;

namespace Sonde.Remote.Tests.CPython;

/// <summary>The real process reader, counting the system calls that go through it.</summary>
internal sealed class CountingMemory(IProcessMemory inner) : IProcessMemory
{
    public int Calls { get; set; }

    public int ProcessId => inner.ProcessId;

    public bool TryRead(ulong address, Span<byte> destination)
    {
        Calls++;
        return inner.TryRead(address, destination);
    }

    public int ReadMany(ReadOnlySpan<RemoteRange> ranges, Span<byte> destination)
    {
        Calls++;
        return inner.ReadMany(ranges, destination);
    }
}
