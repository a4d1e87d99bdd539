using Sonde.Remote.CPython;
using Sonde.Remote.Memory;

namespace Sonde.Remote.Tests.CPython;

/// <summary>The real process reader, counting the system calls that go through it and keeping the ranges they read.</summary>
internal sealed class CountingMemory(IProcessMemory inner) : IProcessMemory
{
    public int Calls { get; set; }

    /// <summary>An interpreter reader attached to the process, over counting memory.</summary>
    public static (CountingMemory Memory, RemoteInterpreter Interpreter) AttachInterpreter(int processId)
    {
        var attached = PythonTarget.Attach(processId);
        var memory = new CountingMemory(new ProcessVmMemory(processId));
        return (memory, new RemoteInterpreter(memory, attached.Interpreter.Layout, attached.Binary.RuntimeAddress, attached.Binary.Builtins));
    }

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
