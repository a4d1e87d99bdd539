namespace Sonde.Formats.Native;

/// <summary>What a block of a <c>.sonde</c> file holds.</summary>
internal enum NativeBlockType : byte
{
    Metadata = 1,
    Frames = 2,
    Stacks = 3,
    Threads = 4,
    Samples = 5,
    /// <summary>An exact call graph, of one thread or of the whole profile (format 1.1).</summary>
    CallGraph = 6,
    /// <summary>Exact line timings of chosen functions (format 1.1).</summary>
    LineTimings = 7,
    /// <summary>Memory timelines, garbage collections and memory totals (format 1.2).</summary>
    Memory = 8,
    /// <summary>The thread state of each sample of the samples block before it (format 1.3).</summary>
    ThreadStates = 9,
    /// <summary>Written last by a writer that finished: a file without it was interrupted.</summary>
    End = 0x7F,
}
