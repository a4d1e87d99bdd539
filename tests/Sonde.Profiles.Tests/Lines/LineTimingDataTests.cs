using Sonde.Profiles.CallGraph;
using Sonde.Profiles.Lines;

namespace Sonde.Profiles.Tests.Lines;

public sealed class LineTimingDataTests
{
    private static readonly FunctionKey _parse = new("parse", "/app/parse.py", 10);
    private static readonly FunctionKey _emit = new("emit", "/app/emit.py", 3);

    [Fact]
    public void ByFunctionSumsEveryThreadLineByLine()
    {
        var data = new LineTimingData();
        data.Add(new FunctionLineTimings(_parse, 0, [new(11, 2, 100), new(12, 5, 500)], ["def parse(text):", "    a = 1", "    b = 2"]));
        data.Add(new FunctionLineTimings(_emit, 0, [new(4, 1, 7)], []));
        data.Add(new FunctionLineTimings(_parse, 3, [new(12, 1, 50), new(13, 4, 40)], []));

        var summed = data.ByFunction();

        Assert.Equal([_parse, _emit], summed.Select(f => f.Function));
        var parse = summed[0];
        Assert.Equal(-1, parse.ThreadIndex);
        Assert.Equal([new LineTiming(11, 2, 100), new LineTiming(12, 6, 550), new LineTiming(13, 4, 40)], parse.Lines);
        Assert.Equal(690, parse.TotalNs);
        Assert.Equal("    a = 1", parse.SourceOf(11));
        Assert.Null(parse.SourceOf(9));
        Assert.Null(parse.SourceOf(13));
        Assert.Equal(3, data.Entries.Count);
    }

    [Fact]
    public void MergingProfilesKeepsLinesAndPerThreadGraphsWithTheirThreads()
    {
        Profile Traced(int pid)
        {
            var profile = new Profile(WeightType.WallTime, WeightType.Calls);
            profile.ThreadIndex(pid, 1, "MainThread");
            var worker = profile.ThreadIndex(pid, 2, "worker");
            var graph = new CallGraphData();
            graph.Add(new FunctionCallStats(_parse, 3, 3, 30, 60));
            profile.ThreadCallGraphs[worker] = graph;
            profile.CallGraph = graph;
            profile.LineTimings = new LineTimingData();
            profile.LineTimings.Add(new FunctionLineTimings(_parse, worker, [new(11, 3, 60)], []));
            return profile;
        }

        var merged = ProfileMerger.Merge([Traced(100), Traced(200)]);

        Assert.Equal(4, merged.Threads.Count);
        var workers = merged.ThreadCallGraphs.Keys.Select(i => merged.Threads[i]).ToList();
        Assert.Equal([(100, 2L), (200, 2L)], workers.Select(t => (t.ProcessId, t.ThreadId)).Order());
        Assert.Equal(6, merged.CallGraph!.Functions.Single().Calls);
        Assert.Equal([100, 200], merged.LineTimings!.Entries.Select(e => merged.Threads[e.ThreadIndex].ProcessId).Order());
        Assert.Equal(6, merged.LineTimings.ByFunction().Single().Lines.Single().Hits);
    }
}
