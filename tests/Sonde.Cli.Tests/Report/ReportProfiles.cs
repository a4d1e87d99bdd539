using Sonde.Cli.Tests.Support;
using Sonde.Formats.Pstats;
using Sonde.Profiles;
using Sonde.Profiles.CallGraph;

namespace Sonde.Cli.Tests.Report;

/// <summary>The hand-built profiles the report tests print; their numbers are chosen, so the output is known.</summary>
internal static class ReportProfiles
{
    public static readonly string Source = Path.Combine(GoldenFile.Directory, "source", "app.py");

    private const string SitePackages = "/venv/lib/python3.11/site-packages/loader/core.py";
    private const string JsonDecoder = "/usr/lib/python3.11/json/decoder.py";
    private const string JsonInit = "/usr/lib/python3.11/json/__init__.py";
    private const string JsonEncoder = "/usr/lib/python3.11/json/encoder.py";

    /// <summary>
    /// 100 samples of 10 ms: main → work → compute in the program (app.py), a library run (site-packages, then
    /// json) that calls back into the program's hook, json.dumps, and a worker thread with 15 samples.
    /// </summary>
    public static Profile Sampled()
    {
        var profile = new Profile(WeightType.Samples, WeightType.WallTime);
        profile.Metadata.Sampler.RequestedRateHz = 100;
        Frame App(string function, int first, int line) => new(function, Source, first, line);
        var main = App("main", 4, 0);
        void Add(int count, long thread, params Frame[] stack)
        {
            var threadIndex = profile.ThreadIndex(4000, thread, thread == 100 ? "MainThread" : "Worker");
            var id = profile.InternStack(stack);
            for (var i = 0; i < count; i++) profile.AddSample(id, threadIndex, i * 10_000_000L, [1, 10_000_000]);
        }
        var load = new Frame("load", SitePackages, 38, 40);
        var decode = new Frame("JSONDecoder.decode", JsonDecoder, 332, 337);
        Add(40, 100, main with { Line = 7 }, App("work", 11, 14), App("compute", 18, 19));
        Add(10, 100, main with { Line = 7 }, App("work", 11, 13));
        Add(5, 100, main with { Line = 7 }, App("work", 11, 14));
        Add(14, 100, main with { Line = 5 }, load, decode, new Frame("JSONDecoder.raw_decode", JsonDecoder, 343, 353), App("hook", 22, 23));
        Add(6, 100, main with { Line = 5 }, load, decode);
        Add(8, 100, main with { Line = 8 }, new Frame("dumps", JsonInit, 183, 231), new Frame("JSONEncoder.encode", JsonEncoder, 183, 200));
        Add(2, 100, main with { Line = 8 });
        Add(15, 200, new Frame("background", "/src/other.py", 3, 5));
        return profile;
    }

    public static readonly FunctionKey Main = new("main", "/home/dev/app/main.py", 1);
    public static readonly FunctionKey Work = new("work", "/home/dev/app/main.py", 10);
    public static readonly FunctionKey Fib = new("fib", "/home/dev/app/maths.py", 4);
    public static readonly FunctionKey Sorted = new("<built-in method builtins.sorted>", "", 0, FrameKind.Native);
    public static readonly FunctionKey Hostile = new("evil\u001b[2J", "/home/dev/app/main.py", 30);

    /// <summary>A cProfile-like call graph of 1.2 s with recursion, a built-in and a name full of escape codes.</summary>
    public static Profile CallGraph()
    {
        var graph = new CallGraphData();
        graph.Add(new FunctionCallStats(Main, 1, 1, 100_000_000, 1_200_000_000));
        graph.Add(new FunctionCallStats(Work, 4, 4, 300_000_000, 800_000_000));
        graph.Add(new FunctionCallStats(Fib, 354, 2, 400_000_000, 400_000_000));
        graph.Add(new FunctionCallStats(Sorted, 5, 5, 150_000_000, 150_000_000));
        graph.Add(new FunctionCallStats(Hostile, 1, 1, 250_000_000, 250_000_000));
        graph.Add(new CallEdge(Main, Work, 4, 4, 300_000_000, 800_000_000));
        graph.Add(new CallEdge(Work, Fib, 2, 2, 40_000_000, 400_000_000));
        graph.Add(new CallEdge(Fib, Fib, 352, 0, 360_000_000, 360_000_000));
        graph.Add(new CallEdge(Work, Sorted, 4, 4, 100_000_000, 100_000_000));
        graph.Add(new CallEdge(Main, Sorted, 1, 1, 50_000_000, 50_000_000));
        graph.Add(new CallEdge(Main, Hostile, 1, 1, 250_000_000, 250_000_000));
        var profile = new Profile(WeightType.WallTime, WeightType.Calls) { CallGraph = graph };
        CallGraphStacks.AddSamples(profile, graph, profile.ThreadIndex(0, 0, "cProfile"));
        return profile;
    }

    public static void WritePstats(Profile profile, string path)
    {
        using var stream = File.Create(path);
        new PstatsWriter().Write(profile, stream, Formats.WriteOptions.Default);
    }
}
