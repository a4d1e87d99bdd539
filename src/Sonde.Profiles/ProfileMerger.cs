using Sonde.Profiles.CallGraph;
using Sonde.Profiles.Lines;

namespace Sonde.Profiles;

/// <summary>
/// Combines profiles into one, as pstats' <c>add</c> does: samples are appended, frames, stacks and threads
/// re-interned, and call graphs summed. Frames can be renamed on the way (e.g. directories stripped), and
/// frames that become equal merge.
/// </summary>
public static class ProfileMerger
{
    /// <summary>
    /// The merged profile. Its weight columns are the union of the inputs' (a sample gets 0 in a column its
    /// profile lacked). It has a call graph only when every input has one, since a partial graph would
    /// undercount. A single profile with no renaming is returned as it is.
    /// </summary>
    public static Profile Merge(IReadOnlyList<Profile> profiles, Func<Frame, Frame>? renameFrame = null)
    {
        if (profiles.Count == 0) throw new ArgumentException("Nothing to merge.", nameof(profiles));
        if (profiles.Count == 1 && renameFrame is null) return profiles[0];

        var weightTypes = profiles.SelectMany(p => p.WeightTypes).Distinct().ToArray();
        var merged = new Profile(weightTypes);
        var earliest = profiles.Min(p => p.Metadata.StartTime);
        CopyMetadata(profiles, merged);

        var weights = new long[weightTypes.Length];
        var keepThreadGraphs = profiles.All(p => p.CallGraph is not null && p.ThreadCallGraphs.Count > 0);
        foreach (var source in profiles)
        {
            var frameMap = new int[source.Frames.Count];
            for (var f = 0; f < frameMap.Length; f++)
                frameMap[f] = merged.Frames.Intern(renameFrame is null ? source.Frames[f] : renameFrame(source.Frames[f]));
            // A stack's parent always has a smaller id, so one pass in id order maps every stack.
            var stackMap = new int[source.Stacks.Count];
            for (var s = 0; s < stackMap.Length; s++)
            {
                var parent = source.Stacks.ParentOf(s);
                stackMap[s] = merged.Stacks.Intern(parent == StackTable.Root ? StackTable.Root : stackMap[parent], frameMap[source.Stacks.FrameOf(s)]);
            }
            var threadMap = new int[source.Threads.Count];
            for (var t = 0; t < threadMap.Length; t++)
            {
                var thread = source.Threads[t];
                threadMap[t] = merged.ThreadIndex(thread.ProcessId, thread.ThreadId, thread.Name);
            }
            var columnMap = source.WeightTypes.Select(w => Array.IndexOf(weightTypes, w)).ToArray();
            // Samples keep their place in time when the profiles say when they started.
            var offsetNs = (source.Metadata.StartTime - earliest).Ticks * 100;

            for (var i = 0; i < source.SampleCount; i++)
            {
                Array.Clear(weights);
                for (var c = 0; c < columnMap.Length; c++) weights[columnMap[c]] = source.WeightOf(i, c);
                var stack = source.StackIdOf(i);
                merged.AddSample(stack < 0 ? stack : stackMap[stack], threadMap[source.ThreadIndexOf(i)], source.TimestampOf(i) + offsetNs, weights, source.ThreadStateOf(i));
            }
            if (keepThreadGraphs)
            {
                foreach (var (thread, graph) in source.ThreadCallGraphs)
                {
                    if (!merged.ThreadCallGraphs.TryGetValue(threadMap[thread], out var target)) merged.ThreadCallGraphs.Add(threadMap[thread], target = new CallGraphData());
                    AddRenamed(target, graph, renameFrame);
                }
            }
            if (source.LineTimings is { } lines)
            {
                merged.LineTimings ??= new LineTimingData();
                foreach (var entry in lines.Entries)
                    merged.LineTimings.Add(entry with { Function = Rename(entry.Function, renameFrame), ThreadIndex = entry.ThreadIndex < 0 ? -1 : threadMap[entry.ThreadIndex] });
            }
        }

        if (profiles.All(p => p.CallGraph is not null)) merged.CallGraph = MergeCallGraphs(profiles, renameFrame);
        return merged;
    }

    private static CallGraphData MergeCallGraphs(IReadOnlyList<Profile> profiles, Func<Frame, Frame>? renameFrame)
    {
        var graph = new CallGraphData();
        foreach (var profile in profiles) AddRenamed(graph, profile.CallGraph!, renameFrame);
        return graph;
    }

    private static void AddRenamed(CallGraphData target, CallGraphData source, Func<Frame, Frame>? renameFrame)
    {
        foreach (var function in source.Functions) target.Add(function with { Function = Rename(function.Function, renameFrame) });
        foreach (var edge in source.Edges) target.Add(edge with { Caller = Rename(edge.Caller, renameFrame), Callee = Rename(edge.Callee, renameFrame) });
    }

    private static FunctionKey Rename(FunctionKey key, Func<Frame, Frame>? renameFrame) =>
        renameFrame is null ? key : renameFrame(new Frame(key.Function, key.File, key.FirstLine, 0, key.Kind)).FunctionKey;

    private static void CopyMetadata(IReadOnlyList<Profile> profiles, Profile merged)
    {
        var first = profiles[0].Metadata;
        var target = merged.Metadata;
        target.Mode = first.Mode;
        target.Command = first.Command;
        target.ProcessId = first.ProcessId;
        target.PythonVersion = first.PythonVersion;
        target.PythonPath = first.PythonPath;
        target.Host = first.Host;
        target.GitCommit = first.GitCommit;
        target.StartTime = profiles.Min(p => p.Metadata.StartTime);
        target.Sampler.RequestedRateHz = first.Sampler.RequestedRateHz;
        target.Sampler.AchievedRateHz = first.Sampler.AchievedRateHz;
        foreach (var profile in profiles)
        {
            var metadata = profile.Metadata;
            target.Duration += metadata.Duration;
            target.Sampler.Ticks += metadata.Sampler.Ticks;
            target.Sampler.Samples += metadata.Sampler.Samples;
            target.Sampler.Errors += metadata.Sampler.Errors;
            target.Sampler.Late += metadata.Sampler.Late;
            target.Sampler.CpuTimeNs += metadata.Sampler.CpuTimeNs;
            target.Sampler.ReadingCpuTimeNs += metadata.Sampler.ReadingCpuTimeNs;
            foreach (var (key, value) in metadata.Properties) target.Properties.TryAdd(key, value);
        }
    }
}
