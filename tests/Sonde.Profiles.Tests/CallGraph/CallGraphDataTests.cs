using Sonde.Profiles.CallGraph;

namespace Sonde.Profiles.Tests.CallGraph;

public sealed class CallGraphDataTests
{
    private static readonly FunctionKey A = new("a", "x.py", 1);
    private static readonly FunctionKey B = new("b", "x.py", 2);
    private static readonly FunctionKey C = new("c", "x.py", 3);

    [Fact]
    public void Adding_again_sums_and_unknown_ends_of_an_edge_become_functions()
    {
        var graph = new CallGraphData();
        graph.Add(new FunctionCallStats(B, 2, 1, 10, 20));
        graph.Add(new FunctionCallStats(B, 3, 3, 5, 5));
        graph.Add(new CallEdge(A, B, 5, 4, 15, 25));

        Assert.True(graph.TryGet(B, out var b));
        Assert.Equal(new FunctionCallStats(B, 5, 4, 15, 25), b);
        Assert.True(graph.TryGet(A, out var a));
        Assert.Equal(new FunctionCallStats(A, 0, 0, 0, 0), a);
        Assert.Equal((5L, 4L, 15L), (graph.TotalCalls, graph.TotalPrimitiveCalls, graph.TotalOwnNs));
    }

    [Fact]
    public void Callers_stay_right_as_functions_and_edges_are_added()
    {
        var graph = new CallGraphData();
        graph.Add(new CallEdge(A, B, 1, 1, 1, 1));
        Assert.Equal([A], graph.CallersOf(B).Select(e => e.Caller));

        graph.Add(new CallEdge(C, B, 2, 2, 2, 2));
        graph.Add(new CallEdge(B, C, 3, 3, 3, 3));
        graph.Add(new CallEdge(A, B, 1, 1, 1, 1));

        Assert.Equal([(A, 2L), (C, 2L)], graph.CallersOf(B).Select(e => (e.Caller, e.Calls)).OrderBy(p => p.Caller.Function));
        Assert.Equal([B], graph.CallersOf(C).Select(e => e.Caller));
        Assert.Empty(graph.CallersOf(A));
        Assert.Empty(graph.CallersOf(new FunctionKey("missing", "x.py", 9)));
    }
}
