using Sonde.Profiles.CallGraph;
using Sonde.Profiles.Views;

namespace Sonde.Profiles.Tests.CallGraph;

public sealed class CallGraphStacksTests
{
    private static readonly FunctionKey Main = new("main", "app.py", 1);
    private static readonly FunctionKey Work = new("work", "app.py", 10);
    private static readonly FunctionKey Helper = new("helper", "app.py", 20);
    private static readonly FunctionKey Leaf = new("leaf", "lib.py", 5);
    private static readonly FunctionKey Fib = new("fib", "app.py", 30);

    /// <summary>main → work → leaf and main → helper → leaf, leaf's own time split 3:1 by its edges; fib recursing.</summary>
    private static CallGraphData SampleGraph()
    {
        var graph = new CallGraphData();
        graph.Add(new FunctionCallStats(Main, 1, 1, 1_000_000, 100_000_000));
        graph.Add(new FunctionCallStats(Work, 2, 2, 9_000_000, 69_000_000));
        graph.Add(new FunctionCallStats(Helper, 5, 5, 10_000_000, 30_000_000));
        graph.Add(new FunctionCallStats(Leaf, 40, 40, 80_000_000, 80_000_000));
        graph.Add(new FunctionCallStats(Fib, 177, 1, 0, 0));
        graph.Add(new CallEdge(Main, Work, 2, 2, 9_000_000, 69_000_000));
        graph.Add(new CallEdge(Main, Helper, 5, 5, 10_000_000, 30_000_000));
        graph.Add(new CallEdge(Work, Leaf, 30, 30, 60_000_000, 60_000_000));
        graph.Add(new CallEdge(Helper, Leaf, 10, 10, 20_000_000, 20_000_000));
        graph.Add(new CallEdge(Main, Fib, 1, 1, 0, 0));
        graph.Add(new CallEdge(Fib, Fib, 176, 0, 0, 0));
        return graph;
    }

    private static Profile Synthesize(CallGraphData graph)
    {
        var profile = new Profile(WeightType.WallTime, WeightType.Calls) { CallGraph = graph };
        CallGraphStacks.AddSamples(profile, graph, profile.ThreadIndex(0, 0, "t"));
        return profile;
    }

    [Fact]
    public void Own_time_and_calls_per_function_are_exact()
    {
        var graph = SampleGraph();
        var profile = Synthesize(graph);

        var ownTime = FunctionTable.Build(profile, 0).ToDictionary(f => f.Function, f => f.Own);
        var ownCalls = FunctionTable.Build(profile, 1).ToDictionary(f => f.Function, f => f.Own);
        foreach (var function in graph.Functions)
        {
            Assert.Equal(function.OwnNs, ownTime.GetValueOrDefault(function.Function));
            Assert.Equal(function.Calls, ownCalls.GetValueOrDefault(function.Function));
        }
        Assert.Equal(graph.TotalOwnNs, profile.TotalWeight(0));
        Assert.True(CallGraphStacks.AreEstimated(profile));
    }

    [Fact]
    public void Leaf_time_follows_its_callers_and_totals_match_the_graph()
    {
        var profile = Synthesize(SampleGraph());

        var edges = EdgeTable.Build(profile, 0).ToDictionary(e => (e.Caller, e.Callee));
        Assert.Equal(60_000_000, edges[(Work, Leaf)].Own);
        Assert.Equal(20_000_000, edges[(Helper, Leaf)].Own);
        // Every path leads up to main, so the estimated totals equal the measured ones here.
        var totals = FunctionTable.Build(profile, 0).ToDictionary(f => f.Function, f => f.Total);
        Assert.Equal(100_000_000, totals[Main]);
        Assert.Equal(69_000_000, totals[Work]);
        Assert.Equal(30_000_000, totals[Helper]);
        foreach (var frames in Enumerable.Range(0, profile.SampleCount).Select(i => profile.Stacks.FramesOf(profile.StackIdOf(i))))
            Assert.Equal(Main, profile.Frames[frames[0]].FunctionKey);
    }

    [Fact]
    public void Recursion_folds_into_one_frame()
    {
        var profile = Synthesize(SampleGraph());

        for (var i = 0; i < profile.SampleCount; i++)
        {
            var frames = profile.Stacks.FramesOf(profile.StackIdOf(i)).Select(f => profile.Frames[f].FunctionKey).ToList();
            Assert.Equal(frames.Count, frames.Distinct().Count());
        }
    }

    [Fact]
    public void Caller_shares_split_by_total_time_further_up()
    {
        // c is called by b1 and b2 (own time split 1:1); b1 is called by a1 and a2 with totals 3:1.
        var a1 = new FunctionKey("a1", "x.py", 1);
        var a2 = new FunctionKey("a2", "x.py", 2);
        var b1 = new FunctionKey("b1", "x.py", 3);
        var b2 = new FunctionKey("b2", "x.py", 4);
        var c = new FunctionKey("c", "x.py", 5);
        var graph = new CallGraphData();
        graph.Add(new FunctionCallStats(a1, 1, 1, 0, 30_000));
        graph.Add(new FunctionCallStats(a2, 1, 1, 0, 10_000));
        graph.Add(new FunctionCallStats(b1, 4, 4, 0, 40_000));
        graph.Add(new FunctionCallStats(b2, 1, 1, 0, 40_000));
        graph.Add(new FunctionCallStats(c, 2, 2, 80_000, 80_000));
        graph.Add(new CallEdge(a1, b1, 3, 3, 0, 30_000));
        graph.Add(new CallEdge(a2, b1, 1, 1, 0, 10_000));
        graph.Add(new CallEdge(b1, c, 1, 1, 40_000, 40_000));
        graph.Add(new CallEdge(b2, c, 1, 1, 40_000, 40_000));

        var profile = Synthesize(graph);

        var byPath = new Dictionary<string, long>();
        var totals = profile.TotalsByStack(0);
        for (var s = 0; s < totals.Length; s++)
            if (totals[s] > 0) byPath[string.Join(";", profile.Stacks.FramesOf(s).Select(f => profile.Frames[f].Function))] = totals[s];
        Assert.Equal(30_000, byPath["a1;b1;c"]);
        Assert.Equal(10_000, byPath["a2;b1;c"]);
        Assert.Equal(40_000, byPath["b2;c"]);
    }

    [Fact]
    public void Deferred_stacks_appear_when_first_read()
    {
        var graph = SampleGraph();
        var profile = new Profile(WeightType.WallTime, WeightType.Calls) { CallGraph = graph };

        CallGraphStacks.AddSamplesLater(profile, graph, "cProfile");

        Assert.True(CallGraphStacks.AreEstimated(profile));
        Assert.Equal("cProfile", Assert.Single(profile.Threads).Name);
        Assert.True(profile.SampleCount > 0);
        Assert.Equal(graph.TotalOwnNs, profile.TotalWeight(0));
    }

    [Fact]
    public void A_function_with_300k_callers_finishes()
    {
        var graph = new CallGraphData();
        var hub = new FunctionKey("hub", "x.py", 1);
        graph.Add(new FunctionCallStats(hub, 300_000, 300_000, 300_000_000, 300_000_000));
        for (var i = 0; i < 300_000; i++)
        {
            var caller = new FunctionKey("caller" + i, "x.py", i + 2);
            graph.Add(new CallEdge(caller, hub, 1, 1, 1_000, 1_000));
        }

        var profile = Synthesize(graph);

        Assert.Equal(300_000_000, profile.TotalWeight(0));
    }

    [Fact]
    public void Root_frames_start_every_stack_and_cpu_time_carries_the_weight()
    {
        var graph = SampleGraph();
        var profile = new Profile(WeightType.CpuTime, WeightType.Calls) { CallGraph = graph };
        var process = Frame.Pseudo("process 42 (python3 app.py)", FrameKind.Process);
        CallGraphStacks.AddSamples(profile, graph, profile.ThreadIndex(42, 1, "MainThread"), [process]);

        for (var i = 0; i < profile.SampleCount; i++)
            Assert.Equal(process, profile.Frames[profile.Stacks.FramesOf(profile.StackIdOf(i))[0]]);
        Assert.Equal(graph.TotalOwnNs, profile.TotalWeight(0));
        var ownTime = FunctionTable.Build(profile, 0).ToDictionary(f => f.Function, f => f.Own);
        Assert.Equal(graph.Functions.Single(f => f.Function == Leaf).OwnNs, ownTime[Leaf]);
    }
}
