using Sonde.Profiles;
using Sonde.Profiles.CallGraph;

namespace Sonde.Formats.Tests.Pstats;

/// <summary>Hand-built profiles for the pstats tests.</summary>
internal static class PstatsSamples
{
    public static readonly FunctionKey Main = new("main", "/src/app.py", 1);
    public static readonly FunctionKey Work = new("work", "/src/app.py", 10);
    public static readonly FunctionKey Fib = new("fib", "/src/app.py", 30);
    public static readonly FunctionKey Sorted = new("<built-in method builtins.sorted>", "", 0, FrameKind.Native);
    public static readonly FunctionKey Hostile = new("h\u001b[31mé\n;", "/src/we ird;\u202e.py", 7);

    /// <summary>A call graph like cProfile's, with recursion, a built-in, a hostile name and counts past 2**31.</summary>
    public static Profile CallGraphProfile()
    {
        var graph = new CallGraphData();
        graph.Add(new FunctionCallStats(Main, 1, 1, 1_500_000, 1_000_000_000));
        graph.Add(new FunctionCallStats(Work, 3_000_000_000, 3_000_000_000, 400_000_000, 700_000_000));
        graph.Add(new FunctionCallStats(Fib, 177, 1, 250_000_000, 250_000_000));
        graph.Add(new FunctionCallStats(Sorted, 2, 2, 48_500_000, 48_500_000));
        graph.Add(new FunctionCallStats(Hostile, 1, 1, 300_000_000, 300_000_000));
        graph.Add(new CallEdge(Main, Work, 3_000_000_000, 3_000_000_000, 400_000_000, 700_000_000));
        graph.Add(new CallEdge(Work, Fib, 1, 1, 25_000_000, 250_000_000));
        graph.Add(new CallEdge(Fib, Fib, 176, 0, 225_000_000, 225_000_000));
        graph.Add(new CallEdge(Main, Sorted, 1, 1, 24_000_000, 24_000_000));
        graph.Add(new CallEdge(Work, Sorted, 1, 1, 24_500_000, 24_500_000));
        graph.Add(new CallEdge(Main, Hostile, 1, 1, 300_000_000, 300_000_000));
        var profile = new Profile(WeightType.WallTime, WeightType.Calls) { CallGraph = graph };
        CallGraphStacks.AddSamples(profile, graph, profile.ThreadIndex(0, 0, "cProfile"));
        return profile;
    }

    /// <summary>A sampled profile as the recorder makes it: a sample count and 10 ms of wall time per sample.</summary>
    public static Profile SampledProfile()
    {
        var main = new Frame("main", "/src/app.py", 1, 3);
        var work = new Frame("work", "/src/app.py", 10, 12);
        var compute = new Frame("compute", "/src/lib.py", 5, 6);
        var builder = new ProfileBuilder(WeightType.Samples, WeightType.WallTime);
        void Add(int count, params Frame[] stack)
        {
            for (var i = 0; i < count; i++) builder.AddWeighted("MainThread", 100, [1, 10_000_000], stack);
        }
        Add(30, main, work, compute);
        Add(20, main, work);
        Add(5, main);
        Add(10, main, work, work with { Line = 14 }, compute);
        return builder.Profile;
    }
}
