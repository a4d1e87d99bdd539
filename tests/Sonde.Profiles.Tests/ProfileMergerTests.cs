using Sonde.Profiles.CallGraph;
using Sonde.Profiles.Views;

namespace Sonde.Profiles.Tests;

public sealed class ProfileMergerTests
{
    private static Profile Sampled(params (string[] Stack, long Samples)[] stacks)
    {
        var profile = new Profile(WeightType.Samples, WeightType.WallTime);
        var thread = profile.ThreadIndex(1, 7, "MainThread");
        foreach (var (stack, samples) in stacks)
        {
            var id = profile.InternStack(stack.Select(name => new Frame(name, "/src/app/" + name + ".py", 1)));
            for (var i = 0; i < samples; i++) profile.AddSample(id, thread, i, [1, 10_000_000]);
        }
        return profile;
    }

    [Fact]
    public void Samples_add_up_per_function()
    {
        var first = Sampled((["main", "work"], 3), (["main"], 1));
        var second = Sampled((["main", "work"], 2), (["main", "other"], 4));

        var merged = ProfileMerger.Merge([first, second]);

        var own = FunctionTable.Build(merged).ToDictionary(f => f.Function.Function, f => f.Own);
        Assert.Equal(5, own["work"]);
        Assert.Equal(1, own["main"]);
        Assert.Equal(4, own["other"]);
        Assert.Equal(10, merged.TotalWeight(0));
        Assert.Equal(100_000_000, merged.TotalWeight(1));
        Assert.Single(merged.Threads);
        Assert.Null(merged.CallGraph);
    }

    [Fact]
    public void Renaming_merges_frames_that_become_equal()
    {
        var profile = new Profile(WeightType.Samples);
        var thread = profile.ThreadIndex(1, 1, "t");
        profile.AddSample(profile.InternStack([new Frame("f", "/a/x.py", 1)]), thread, 0);
        profile.AddSample(profile.InternStack([new Frame("f", "/b/x.py", 1)]), thread, 0);

        var merged = ProfileMerger.Merge([profile], f => f with { File = Path.GetFileName(f.File) });

        var function = Assert.Single(FunctionTable.Build(merged));
        Assert.Equal(new FunctionKey("f", "x.py", 1), function.Function);
        Assert.Equal(2, function.Own);
    }

    [Fact]
    public void Weight_columns_are_united_and_missing_ones_are_zero()
    {
        var sampled = Sampled((["main"], 2));
        var traced = new Profile(WeightType.WallTime, WeightType.Calls);
        traced.AddSample(traced.InternStack([new Frame("main", "/src/app/main.py", 1)]), traced.ThreadIndex(0, 0, "cProfile"), 0, [5, 3]);

        var merged = ProfileMerger.Merge([sampled, traced]);

        Assert.Equal([WeightType.Samples, WeightType.WallTime, WeightType.Calls], merged.WeightTypes);
        Assert.Equal(2, merged.TotalWeight(0));
        Assert.Equal(20_000_005, merged.TotalWeight(1));
        Assert.Equal(3, merged.TotalWeight(2));
    }

    [Fact]
    public void Call_graphs_sum_like_pstats_add_and_a_partial_one_is_dropped()
    {
        var f = new FunctionKey("f", "/a/x.py", 1);
        var g = new FunctionKey("g", "/b/x.py", 9);
        Profile Traced(long calls)
        {
            var graph = new CallGraphData();
            graph.Add(new FunctionCallStats(f, calls, calls, 100, 300));
            graph.Add(new FunctionCallStats(g, 2 * calls, calls, 200, 200));
            graph.Add(new CallEdge(f, g, 2 * calls, calls, 200, 200));
            var profile = new Profile(WeightType.WallTime, WeightType.Calls) { CallGraph = graph };
            CallGraphStacks.AddSamples(profile, graph, profile.ThreadIndex(0, 0, "cProfile"));
            return profile;
        }

        var merged = ProfileMerger.Merge([Traced(1), Traced(4)]);
        var mixed = ProfileMerger.Merge([Traced(1), Sampled((["main"], 1))]);

        Assert.NotNull(merged.CallGraph);
        Assert.True(merged.CallGraph.TryGet(g, out var stats));
        Assert.Equal(new FunctionCallStats(g, 10, 5, 400, 400), stats);
        Assert.Equal(new CallEdge(f, g, 10, 5, 400, 400), Assert.Single(merged.CallGraph.Edges));
        Assert.Equal(15, merged.CallGraph.TotalCalls);
        Assert.Null(mixed.CallGraph);
    }

    [Fact]
    public void A_single_profile_comes_back_as_it_is()
    {
        var profile = Sampled((["main"], 1));

        Assert.Same(profile, ProfileMerger.Merge([profile]));
    }
}
