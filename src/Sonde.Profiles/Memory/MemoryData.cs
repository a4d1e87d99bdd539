namespace Sonde.Profiles.Memory;

/// <summary>
/// What a profile knows about memory besides its weights: timelines (traced bytes, RSS, threads...), every garbage
/// collection, the longest pauses with the stack that triggered them, and totals such as the exact peak.
/// </summary>
public sealed class MemoryData
{
    /// <summary>Bytes tracemalloc traced, live (<c>sonde mem</c>).</summary>
    public const string TracedSeries = "traced-bytes";
    /// <summary>Resident set size from /proc, in bytes.</summary>
    public const string RssSeries = "rss-bytes";
    /// <summary>Proportional set size from /proc/PID/smaps_rollup, in bytes.</summary>
    public const string PssSeries = "pss-bytes";
    /// <summary>The process's thread count.</summary>
    public const string ThreadsSeries = "threads";

    /// <summary>tracemalloc's exact peak of traced bytes.</summary>
    public const string PeakBytesTotal = "peak-bytes";
    /// <summary>Nanoseconds since the profile's start of the snapshot whose stacks are the peak stacks.</summary>
    public const string PeakTimeTotal = "peak-time-ns";
    /// <summary>Traced bytes of the peak snapshot (the peak stacks' exact sum before sampling).</summary>
    public const string PeakSnapshotBytesTotal = "peak-snapshot-bytes";
    /// <summary>Traced bytes still live at exit, exactly.</summary>
    public const string LeakedBytesTotal = "leaked-bytes";
    /// <summary>Memory tracemalloc itself used for its traces.</summary>
    public const string TracerBytesTotal = "tracemalloc-bytes";
    public const string DepthTotal = "depth";
    public const string SampleThresholdTotal = "sample-threshold";
    public const string SnapshotsTotal = "snapshots";
    public const string SnapshotNanosecondsTotal = "snapshot-ns";
    /// <summary>
    /// Present when the native allocator hook measured (docs/memory.md, "The native engine"): its mean sampling
    /// interval in bytes. The byte totals and weights are then estimates, and <see cref="TracerBytesTotal"/> is the
    /// hook's own tables.
    /// </summary>
    public const string SampleBytesTotal = "sample-bytes";

    /// <summary>Named series of (time, value) points, in time order; times are nanoseconds since the profile's start.</summary>
    public Dictionary<string, List<TimelinePoint>> Series { get; } = [];

    public List<GcCollection> Collections { get; } = [];

    /// <summary>The longest collections, longest first, with the stack that was running when each started.</summary>
    public List<GcPause> LongestPauses { get; } = [];

    /// <summary>Counts of tracked objects by type, in time order (<c>sonde mem --objects</c>).</summary>
    public List<ObjectSnapshot> ObjectSnapshots { get; } = [];

    /// <summary>A reference chain to the type that grew most between the first and last object snapshots.</summary>
    public ObjectChain? ObjectChain { get; set; }

    /// <summary>
    /// Per-line memory increments of chosen functions (<c>sonde mem --lines</c>): each line's
    /// <see cref="Lines.LineTiming.TimeNs"/> holds the traced bytes it added, net of what it freed, not a time.
    /// </summary>
    public Lines.LineTimingData? LineIncrements { get; set; }

    /// <summary>Single figures by name (the constants above); absent when not measured.</summary>
    public Dictionary<string, long> Totals { get; } = [];

    public List<TimelinePoint> SeriesNamed(string name)
    {
        if (!Series.TryGetValue(name, out var points)) Series.Add(name, points = []);
        return points;
    }

    public long? Total(string name) => Totals.TryGetValue(name, out var value) ? value : null;
}
