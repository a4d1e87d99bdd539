namespace Sonde.Agent;

/// <summary>What the agent is asked to collect in every process of a trace.</summary>
public sealed record AgentOptions
{
    public TraceClock Clock { get; init; } = TraceClock.Wall;

    /// <summary>Count calls to built-in (C) functions too, as cProfile does by default.</summary>
    public bool Builtins { get; init; } = true;

    /// <summary>
    /// Count calls at all. Off (<c>--lines-only</c>), only the chosen functions' lines are timed, and code outside
    /// them runs with the least overhead, as under line_profiler.
    /// </summary>
    public bool Calls { get; init; } = true;

    /// <summary>Functions whose lines are timed.</summary>
    public IReadOnlyList<LinePattern> LinePatterns { get; init; } = [];

    /// <summary>How often the agent sends what it has so far, which is what a SIGKILL leaves.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public AgentMode Mode { get; init; } = AgentMode.Trace;

    /// <summary><c>sonde mem</c>: how many frames tracemalloc keeps per allocation.</summary>
    public int MemoryDepth { get; init; } = 16;

    /// <summary><c>sonde mem</c>: stacks of fewer bytes are sent as a weighted sample (docs/memory.md); 0 sends all.</summary>
    public int SampleThreshold { get; init; } = 4096;

    /// <summary><c>sonde mem</c>: the least time between two periodic snapshots of the live traces.</summary>
    public TimeSpan SnapshotInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <c>sonde mem</c>: measure with tracemalloc (exact, slow) instead of the native allocator hook, which samples
    /// by bytes (docs/memory.md, "The native engine") and falls back to tracemalloc where it has no build.
    /// </summary>
    public bool Tracemalloc { get; init; }

    /// <summary><c>sonde mem</c>: the native hook's mean sampling interval; allocations this large or larger are always recorded.</summary>
    public int SampleBytes { get; init; } = 512 * 1024;

    /// <summary><c>sonde mem --objects</c>: count tracked objects by type now and then, and find a reference chain.</summary>
    public bool Objects { get; init; }
}
