namespace Sonde.Formats.Folded;

/// <summary>What the numbers at the end of a folded line mean, and so which weight columns the profile gets.</summary>
internal enum FoldedWeights
{
    /// <summary>One count: <c>samples</c>.</summary>
    Count,

    /// <summary>Austin's microseconds of wall time: <c>samples</c>, <c>wall</c>.</summary>
    Wall,

    /// <summary>Austin's microseconds of CPU time: <c>samples</c>, <c>cpu</c>.</summary>
    Cpu,

    /// <summary>Austin's memory delta in bytes: <c>samples</c>, <c>alloc-bytes</c>, <c>dealloc-bytes</c>.</summary>
    Memory,

    /// <summary>Austin 3 full mode, <c>time,idle,memory</c>: <c>samples</c>, <c>wall</c>, <c>cpu</c>, <c>alloc-bytes</c>, <c>dealloc-bytes</c>.</summary>
    AustinFull,

    /// <summary>Austin 1 full mode, <c>time mem+ mem-</c>: <c>samples</c>, <c>wall</c>, <c>alloc-bytes</c>, <c>dealloc-bytes</c>.</summary>
    LegacyFull,
}
