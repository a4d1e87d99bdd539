using Sonde.Agent.Memory;
using Sonde.Profiles;
using Sonde.Profiles.Memory;

namespace Sonde.Agent;

/// <summary>
/// Turns what <c>sonde mem</c> collected into the profile model. Its weights are <c>alloc-bytes</c>,
/// <c>alloc-count</c>, <c>peak-bytes</c> and <c>leaked-bytes</c>: one sample per stack and kind, frames keeping
/// their line. The timeline, every collection, the longest pauses and the totals go to <see cref="Profile.Memory"/>.
/// With more than one process, each process's stacks start with a <c>process PID (COMMAND)</c> frame.
/// </summary>
public static class MemoryProfileBuilder
{
    /// <summary>The weights of a memory profile, in column order.</summary>
    public static readonly WeightType[] WeightTypes = [WeightType.AllocBytes, WeightType.AllocCount, WeightType.PeakBytes, WeightType.LeakedBytes];

    /// <summary>The wall-clock time (Unix nanoseconds) that memory timestamps count from.</summary>
    public const string OriginTotal = "origin-unix-ns";

    private const int LongestPauses = 10;

    public static Profile Build(TraceResult result, AgentOptions options)
    {
        var profile = new Profile(WeightTypes);
        var measured = result.Measured;
        var main = result.MainProcess;
        var metadata = profile.Metadata;
        result.Describe(metadata, ProfileMode.Memory);

        var origin = UnixNanoseconds(result.StartTime);
        var memory = new MemoryData();
        memory.Totals[OriginTotal] = origin;
        memory.Totals[MemoryData.DepthTotal] = options.MemoryDepth;
        memory.Totals[MemoryData.SampleThresholdTotal] = options.SampleThreshold;
        profile.Memory = memory;

        var pauses = new List<(GcEvent Event, int ProcessId, Frame[] Roots)>();
        Span<long> weights = stackalloc long[WeightTypes.Length];
        foreach (var process in measured)
        {
            Frame[] roots = measured.Count > 1 ? [Frame.Pseudo($"process {process.ProcessId} ({TraceProfileBuilder.CommandOf(process)})", FrameKind.Process)] : [];
            var thread = profile.ThreadIndex(process.ProcessId, process.ProcessId, "MainThread");
            foreach (var (kind, set) in process.Memory.Stacks)
            {
                var time = Math.Max(0, set.UnixNs - origin);
                foreach (var stack in set.Stacks)
                {
                    weights.Clear();
                    switch (kind)
                    {
                        case MemoryStackKind.Allocated:
                            weights[0] = stack.Bytes;
                            weights[1] = stack.Count;
                            break;
                        case MemoryStackKind.Peak:
                            weights[2] = stack.Bytes;
                            break;
                        default:
                            weights[3] = stack.Bytes;
                            break;
                    }
                    profile.AddSample(profile.InternStack(roots.Concat(stack.Sites.Select(ToFrame))), thread, time, weights);
                }
            }
            foreach (var collection in process.Memory.Collections)
                memory.Collections.Add(new GcCollection(collection.UnixNs - origin, collection.DurationNs, collection.Generation, collection.Collected, collection.Uncollectable, process.ProcessId));
            pauses.AddRange(process.Memory.LongestPauses.Select(p => (p, process.ProcessId, roots)));
            foreach (var group in process.Threads.SelectMany(t => t.Lines).GroupBy(l => l.Function))
            {
                memory.LineIncrements ??= new Sonde.Profiles.Lines.LineTimingData();
                var lines = group.OrderBy(l => l.Line).Select(l => new Sonde.Profiles.Lines.LineTiming(l.Line, l.Hits, l.TimeNs)).ToList();
                memory.LineIncrements.Add(new Sonde.Profiles.Lines.FunctionLineTimings(group.Key.Function, thread, lines, group.Key.Source));
            }
        }
        memory.Collections.Sort((a, b) => a.TimeNs.CompareTo(b.TimeNs));
        foreach (var (pause, _, roots) in pauses.OrderByDescending(p => p.Event.DurationNs).Take(LongestPauses))
            memory.LongestPauses.Add(new GcPause(pause.UnixNs - origin, pause.DurationNs, pause.Generation, profile.InternStack(roots.Concat(pause.Sites.Select(ToFrame)))));

        if (main is not null) AddMainFigures(memory, main.Memory, origin);
        return profile;
    }

    private static void AddMainFigures(MemoryData memory, ProcessMemory measured, long origin)
    {
        var traced = memory.SeriesNamed(MemoryData.TracedSeries);
        foreach (var point in measured.Timeline) traced.Add(new TimelinePoint(point.UnixNs - origin, point.Current));
        if (measured.Info is { } info)
        {
            memory.Totals[MemoryData.PeakBytesTotal] = Math.Max(info.Peak, measured.Timeline.Count > 0 ? measured.Timeline.Max(p => p.Peak) : 0);
            memory.Totals[MemoryData.TracerBytesTotal] = info.TracerBytes;
            memory.Totals[MemoryData.SnapshotsTotal] = info.Snapshots;
            memory.Totals[MemoryData.SnapshotNanosecondsTotal] = (long)(info.SnapshotSeconds * 1e9);
            if (info.Native) memory.Totals[MemoryData.SampleBytesTotal] = info.SampleBytes;
        }
        if (measured.Stacks.TryGetValue(MemoryStackKind.Peak, out var peak))
        {
            memory.Totals[MemoryData.PeakSnapshotBytesTotal] = peak.TotalBytes;
            memory.Totals[MemoryData.PeakTimeTotal] = peak.UnixNs - origin;
        }
        foreach (var snapshot in measured.ObjectSnapshots) memory.ObjectSnapshots.Add(snapshot with { TimeNs = snapshot.TimeNs - origin });
        memory.ObjectChain = measured.ObjectChain;
        if (measured.Stacks.TryGetValue(MemoryStackKind.Leaked, out var leaked))
            memory.Totals[MemoryData.LeakedBytesTotal] = leaked.TotalBytes;
    }

    private static Frame ToFrame(MemorySite site) => new(site.Function, site.File, site.FirstLine, site.Line);

    private static long UnixNanoseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
}
