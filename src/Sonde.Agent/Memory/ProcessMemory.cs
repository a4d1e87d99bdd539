namespace Sonde.Agent.Memory;

/// <summary>What <c>sonde mem</c>'s agent measured in one process.</summary>
public sealed class ProcessMemory
{
    public IReadOnlyDictionary<MemoryStackKind, MemoryStackSet> Stacks { get; internal init; } = new Dictionary<MemoryStackKind, MemoryStackSet>();
    public IReadOnlyList<TracedMemoryPoint> Timeline { get; internal init; } = [];
    public IReadOnlyList<GcEvent> Collections { get; internal init; } = [];

    /// <summary>The longest collections, longest first, each with the stack that triggered it.</summary>
    public IReadOnlyList<GcEvent> LongestPauses { get; internal init; } = [];

    public MemoryInfo? Info { get; internal init; }

    /// <summary>Counts of tracked objects by type (<c>--objects</c>), times in Unix nanoseconds.</summary>
    public IReadOnlyList<Sonde.Profiles.Memory.ObjectSnapshot> ObjectSnapshots { get; internal init; } = [];

    public Sonde.Profiles.Memory.ObjectChain? ObjectChain { get; internal init; }

    /// <summary>Why memory was not (or no longer) measured: tracemalloc unavailable or stopped by the program.</summary>
    public string? Problem { get; internal init; }

    /// <summary>True when the problem is that tracemalloc could not be used at all.</summary>
    public bool Unavailable { get; internal init; }
}
