namespace Sonde.Agent.Memory;

/// <summary>Which stacks a MEM_STACKS message carries; the numbers are the protocol's.</summary>
public enum MemoryStackKind
{
    /// <summary>Bytes and allocations that appeared between snapshots, summed over the run.</summary>
    Allocated = 0,
    /// <summary>Live at the snapshot of the highest traced memory.</summary>
    Peak = 1,
    /// <summary>Live at exit.</summary>
    Leaked = 2,
}
