using Sonde.Agent.Tests.Support;
using Sonde.Formats.Pstats;
using Sonde.Formats;
using Sonde.Testing;

namespace Sonde.Agent.Tests;

/// <summary>
/// Exact counts against trace_calls.py's own: calls and primitive calls under direct and mutual recursion, calls
/// per caller, on the main thread and a second one, kept apart; then the same numbers through a .prof file
/// loaded by that CPython's pstats.
/// </summary>
public sealed class CallCountTests
{
    public static TheoryData<string> Pythons => Support.Pythons.All;

    /// <summary>Every CPython with the native routes, and without them where routes exist (3.12+).</summary>
    public static TheoryData<string, bool> PythonsAndRoutes
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var install in PythonInstalls.All)
            {
                data.Add(install.Label, true);
                if (install.Label is "3.12" or "3.13") data.Add(install.Label, false);
            }
            return data;
        }
    }

    [Theory, MemberData(nameof(PythonsAndRoutes))]
    public void CountsEveryCallOfEveryThreadExactly(string label, bool native)
    {
        var python = PythonInstalls.Require(label);
        using var scratch = new Scratch();
        var fixture = Fixtures.Path("trace_calls.py");
        var result = Traces.Run(new AgentOptions(), native ? null : Traces.WithoutNative, python.Path!, fixture, scratch.File("truth.json"));
        var truth = CallTruth.Load(scratch.File("truth.json"));

        Assert.Equal(0, result.ExitCode);
        var process = Assert.Single(result.Processes);
        Assert.True(process.IsRoot);
        Assert.True(process.Traced);
        Assert.Null(process.AgentError);
        Assert.Equal(ProcessEnd.Exit, process.End);
        Assert.StartsWith(python.Version + ".", process.Description + ".", StringComparison.Ordinal);
        Assert.Equal(2, process.Threads.Count(t => t.Functions.Any(f => f.Function.File == fixture)));

        foreach (var (threadName, expected) in truth.Threads)
        {
            var thread = Assert.Single(process.Threads, t => t.Name == threadName);
            Assert.True(thread.Final, $"{threadName} sent no final report");
            Assert.True(thread.NativeId > 0);
            foreach (var (name, (calls, primitive)) in expected.Functions)
            {
                var stats = Assert.Single(thread.Functions, f => f.Function.File == fixture && f.Function.Function == name);
                Assert.True(calls == stats.Calls, $"{threadName}: {name} called {stats.Calls} times, the fixture counted {calls}");
                Assert.True(primitive == stats.PrimitiveCalls, $"{threadName}: {name} has {stats.PrimitiveCalls} primitive calls, the fixture counted {primitive}");
                Assert.InRange(stats.OwnNs, 0, stats.TotalNs);
            }
            foreach (var (caller, callee, calls) in expected.Edges.Where(e => expected.Functions.ContainsKey(e.Caller)))
            {
                var edge = Assert.Single(thread.Edges, e => e.Caller.File == fixture && e.Caller.Function == caller && e.Callee.Function == callee);
                Assert.True(calls == edge.Calls, $"{threadName}: {caller} -> {callee} counted {edge.Calls}, the fixture {calls}");
            }
        }
    }

    [Theory, MemberData(nameof(Pythons))]
    public void TheProfileKeepsThreadsApartAndItsPstatsFileMergesThem(string label)
    {
        var python = PythonInstalls.Require(label);
        using var scratch = new Scratch();
        var fixture = Fixtures.Path("trace_calls.py");
        var result = Traces.Run(python.Path!, fixture, scratch.File("truth.json"));
        var truth = CallTruth.Load(scratch.File("truth.json"));
        var profile = TraceProfileBuilder.Build(result, new AgentOptions());

        // Per thread in the model: the worker's leaf calls are on the worker's thread only.
        var worker = profile.Threads.FindIndex(t => t.Name == "worker");
        var main = profile.Threads.FindIndex(t => t.Name == "MainThread");
        Assert.True(worker >= 0 && main >= 0);
        Assert.Equal(result.RootProcessId, profile.Threads[worker].ProcessId);
        Assert.Equal(truth.Threads["worker"].Functions["leaf"].Calls, LeafCalls(profile.ThreadCallGraphs[worker], fixture));
        Assert.Equal(truth.Threads["MainThread"].Functions["leaf"].Calls, LeafCalls(profile.ThreadCallGraphs[main], fixture));
        Assert.True(profile.SampleCount > 0);

        // Merged in the .prof, as pstats on the same CPython reads it.
        var path = scratch.File("trace.prof");
        using (var stream = File.Create(path)) new PstatsWriter().Write(profile, stream, WriteOptions.Default);
        var dump = PstatsDump.Load(python.Path!, path);
        foreach (var name in truth.Threads.Values.SelectMany(t => t.Functions.Keys).Distinct())
        {
            var calls = truth.Threads.Values.Sum(t => t.Functions.TryGetValue(name, out var c) ? c.Calls : 0);
            var primitive = truth.Threads.Values.Sum(t => t.Functions.TryGetValue(name, out var c) ? c.Primitive : 0);
            var function = Assert.Single(dump.Functions, f => f.File == fixture && f.Name == name);
            Assert.Equal(calls, function.Calls);
            Assert.Equal(primitive, function.PrimitiveCalls);
        }
        Assert.Equal(profile.CallGraph!.TotalCalls, dump.TotalCalls);
    }

    [Theory, MemberData(nameof(Pythons))]
    public void CountsStayExactAfterTheOtherThreadsEnd(string label)
    {
        var python = PythonInstalls.Require(label);
        using var scratch = new Scratch();
        var fixture = Fixtures.Path("trace_switch.py");
        // Frequent flushes: from 3.12 the main thread goes back to direct callbacks at a flush once it is alone.
        var result = Traces.Run(new AgentOptions { FlushInterval = TimeSpan.FromMilliseconds(50) }, python.Path!, fixture, scratch.File("truth.json"));
        Assert.Equal(0, result.ExitCode);
        using var truth = System.Text.Json.JsonDocument.Parse(File.ReadAllText(scratch.File("truth.json")));
        var process = Assert.Single(result.Processes);
        var main = Assert.Single(process.Threads, t => t.Name == "MainThread");
        var worker = Assert.Single(process.Threads, t => t.Functions.Any(f => f.Function.Function == "tick"));

        long Calls(TracedThread thread, string name) => thread.Functions.Where(f => f.Function.File == fixture && f.Function.Function == name).Sum(f => f.Calls);
        Assert.Equal(truth.RootElement.GetProperty("before").GetInt64(), Calls(main, "before"));
        Assert.Equal(truth.RootElement.GetProperty("after").GetInt64(), Calls(main, "after"));
        Assert.Equal(truth.RootElement.GetProperty("side").GetInt64(), Calls(worker, "tick"));
        Assert.Equal(0, Calls(main, "tick"));
        Assert.Equal(0, Calls(worker, "before") + Calls(worker, "after"));
        var mainCalls = main.Edges.Where(e => e.Caller.Function == "main" && e.Caller.File == fixture).ToDictionary(e => e.Callee.Function, e => e.Calls);
        Assert.Equal(truth.RootElement.GetProperty("after").GetInt64(), mainCalls["after"]);
        Assert.Equal(truth.RootElement.GetProperty("before").GetInt64(), mainCalls["before"]);
    }

    private static long LeafCalls(Sonde.Profiles.CallGraph.CallGraphData graph, string fixture) =>
        graph.Functions.Single(f => f.Function.File == fixture && f.Function.Function == "leaf").Calls;
}
