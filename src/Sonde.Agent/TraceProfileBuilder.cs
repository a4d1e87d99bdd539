using Sonde.Profiles;
using Sonde.Profiles.CallGraph;
using Sonde.Profiles.Lines;

namespace Sonde.Agent;

/// <summary>
/// Turns a trace into the profile model: every thread's exact call graph (<see cref="Profile.ThreadCallGraphs"/>),
/// their sum (<see cref="Profile.CallGraph"/>, what a pstats file holds), stacks estimated from each thread's
/// graph so flame graphs and trees work, and line timings. With more than one process, each process's stacks
/// start with a <c>process PID (COMMAND)</c> frame.
/// </summary>
public static class TraceProfileBuilder
{
    public const string ClockProperty = "trace.clock";
    public const string BuiltinsProperty = "trace.builtins";
    public const string CallsProperty = "trace.calls";

    private const int MaxCommandLength = 80;

    public static Profile Build(TraceResult result, AgentOptions options)
    {
        var profile = new Profile(options.Clock == TraceClock.Cpu ? WeightType.CpuTime : WeightType.WallTime, WeightType.Calls);
        var traced = result.Measured;
        var metadata = profile.Metadata;
        result.Describe(metadata, ProfileMode.Tracing);
        metadata.Properties[ClockProperty] = options.Clock == TraceClock.Cpu ? "cpu" : "wall";
        metadata.Properties[BuiltinsProperty] = options.Builtins ? "yes" : "no";
        metadata.Properties[CallsProperty] = options.Calls ? "yes" : "no";

        var merged = new CallGraphData();
        var lines = options.LinePatterns.Count > 0 ? new LineTimingData() : null;
        var stacks = new List<(CallGraphData Graph, int ThreadIndex, Frame[] Roots)>();
        foreach (var process in traced)
        {
            Frame[] roots = traced.Count > 1 ? [Frame.Pseudo($"process {process.ProcessId} ({CommandOf(process)})", FrameKind.Process)] : [];
            foreach (var thread in process.Threads)
            {
                if (thread.Functions.Count == 0 && thread.Lines.Count == 0) continue;
                var index = profile.ThreadIndex(process.ProcessId, thread.NativeId, thread.Name);
                var graph = new CallGraphData();
                foreach (var function in thread.Functions) graph.Add(function);
                foreach (var edge in thread.Edges) graph.Add(edge);
                // A kernel thread id can come back for a later thread of the same process: they share an entry.
                if (!profile.ThreadCallGraphs.TryGetValue(index, out var threadGraph)) profile.ThreadCallGraphs.Add(index, threadGraph = new CallGraphData());
                AddAll(threadGraph, graph);
                AddAll(merged, graph);
                stacks.Add((graph, index, roots));
                if (lines is not null) AddLines(lines, thread, index);
            }
        }
        profile.CallGraph = merged;
        profile.LineTimings = lines;
        // Estimating stacks takes a while on a big graph: done only when a view or format needs samples.
        profile.Metadata.Properties[CallGraphStacks.EstimatedProperty] = "from the call graph";
        profile.AddSamplesLater(p =>
        {
            foreach (var (graph, index, roots) in stacks) CallGraphStacks.AddSamples(p, graph, index, roots);
        });
        return profile;
    }

    private static void AddAll(CallGraphData target, CallGraphData source)
    {
        foreach (var function in source.Functions) target.Add(function);
        foreach (var edge in source.Edges) target.Add(edge);
    }

    private static void AddLines(LineTimingData lines, TracedThread thread, int threadIndex)
    {
        foreach (var group in thread.Lines.GroupBy(l => l.Function))
        {
            var timings = group.OrderBy(l => l.Line).Select(l => new LineTiming(l.Line, l.Hits, l.TimeNs)).ToList();
            lines.Add(new FunctionLineTimings(group.Key.Function, threadIndex, timings, group.Key.Source));
        }
    }

    internal static string CommandOf(TracedProcess process)
    {
        var command = string.Join(' ', new[] { Path.GetFileName(process.Executable) }.Concat(process.Arguments).Where(a => a.Length > 0));
        return command.Length <= MaxCommandLength ? command : command[..(MaxCommandLength - 3)] + "...";
    }
}
