using Sonde.Remote.Memory;

namespace Sonde.Remote.Tests.CPython;

/// <summary>The real process reader, counting the system calls that go through it and keeping the ranges they read.</summary>
internal sealed class CountingMemory(IProcessMemory inner) : IProcessMemory
{
    public int Calls { get; set; }

    /// <summary>Every range read since the list was last cleared, as passed to the kernel.</summary>
    public List<RemoteRange> Ranges { get; } = [];

    public int ProcessId => inner.ProcessId;

    public bool TryRead(ulong address, Span<byte> destination)
    {
        Calls++;
        Ranges.Add(new RemoteRange(address, destination.Length));
        return inner.TryRead(address, destination);
    }

    public int ReadMany(ReadOnlySpan<RemoteRange> ranges, Span<byte> destination)
    {
        Calls++;
        Ranges.AddRange(ranges);
        return inner.ReadMany(ranges, destination);
    }
}
