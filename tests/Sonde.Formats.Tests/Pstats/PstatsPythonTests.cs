using System.Text.Json;
using Sonde.Formats.Pstats;
using Sonde.Profiles;
using Sonde.Testing;

namespace Sonde.Formats.Tests.Pstats;

/// <summary>Python's own pstats, on every CPython present, loads our files and sees the same numbers.</summary>
public sealed class PstatsPythonTests : IDisposable
{
    public static TheoryData<string> Pythons => PythonInstalls.Labels;

    private readonly string _directory = Directory.CreateTempSubdirectory("sonde-pstats-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteProf(Profile profile, string name)
    {
        var path = Path.Combine(_directory, name);
        using var stream = File.Create(path);
        new PstatsWriter().Write(profile, stream, WriteOptions.Default);
        return path;
    }

    private static JsonElement Dump(PythonInstall python, string path) =>
        JsonDocument.Parse(PythonRunner.Run(python.Path!, PythonRunner.Fixture("pstats_dump.py"), path)).RootElement;

    private static JsonElement FunctionIn(JsonElement dump, FunctionKey key)
    {
        var (file, line, name) = key.Kind == FrameKind.Native ? ("~", 0, key.Function) : (key.File, key.FirstLine, key.Function);
        return dump.GetProperty("functions").EnumerateArray()
            .Single(f => f.GetProperty("file").GetString() == file && f.GetProperty("line").GetInt32() == line && f.GetProperty("name").GetString() == name);
    }

    [Theory, MemberData(nameof(Pythons))]
    public void Pstats_loads_a_call_graph_with_the_same_numbers(string label)
    {
        var python = PythonInstalls.Require(label);
        var profile = PstatsSamples.CallGraphProfile();
        var graph = profile.CallGraph!;

        var dump = Dump(python, WriteProf(profile, "graph.prof"));

        Assert.Equal(graph.TotalCalls, dump.GetProperty("total_calls").GetInt64());
        Assert.Equal(graph.TotalPrimitiveCalls, dump.GetProperty("prim_calls").GetInt64());
        Assert.Equal(graph.TotalOwnNs / 1e9, dump.GetProperty("total_tt").GetDouble(), 1e-12);
        Assert.Equal(graph.Functions.Count, dump.GetProperty("functions").GetArrayLength());
        foreach (var function in graph.Functions)
        {
            var seen = FunctionIn(dump, function.Function);
            Assert.Equal(function.Calls, seen.GetProperty("nc").GetInt64());
            Assert.Equal(function.PrimitiveCalls, seen.GetProperty("cc").GetInt64());
            Assert.Equal(function.OwnNs / 1e9, seen.GetProperty("tt").GetDouble(), 1e-15);
            Assert.Equal(function.TotalNs / 1e9, seen.GetProperty("ct").GetDouble(), 1e-15);
            var callers = graph.CallersOf(function.Function).ToList();
            Assert.Equal(callers.Count, seen.GetProperty("callers").GetArrayLength());
            foreach (var edge in callers)
            {
                var (file, line, name) = edge.Caller.Kind == FrameKind.Native ? ("~", 0, edge.Caller.Function) : (edge.Caller.File, edge.Caller.FirstLine, edge.Caller.Function);
                var caller = seen.GetProperty("callers").EnumerateArray().Single(c =>
                    c.GetProperty("file").GetString() == file && c.GetProperty("line").GetInt32() == line && c.GetProperty("name").GetString() == name);
                Assert.Equal(edge.Calls, caller.GetProperty("nc").GetInt64());
                Assert.Equal(edge.PrimitiveCalls, caller.GetProperty("cc").GetInt64());
                Assert.Equal(edge.OwnNs / 1e9, caller.GetProperty("tt").GetDouble(), 1e-15);
                Assert.Equal(edge.TotalNs / 1e9, caller.GetProperty("ct").GetDouble(), 1e-15);
            }
        }
    }

    [Theory, MemberData(nameof(Pythons))]
    public void Pstats_loads_and_prints_a_sampled_profile(string label)
    {
        var python = PythonInstalls.Require(label);
        var profile = PstatsSamples.SampledProfile();

        var dump = Dump(python, WriteProf(profile, "sampled.prof"));

        Assert.Equal(0, dump.GetProperty("total_calls").GetInt64());
        Assert.Equal(profile.TotalWeight(1) / 1e9, dump.GetProperty("total_tt").GetDouble(), 1e-12);
        var work = FunctionIn(dump, new FunctionKey("work", "/src/app.py", 10));
        // work is on the stack in 60 samples of 10 ms; it is innermost in 20.
        Assert.Equal(0.6, work.GetProperty("ct").GetDouble(), 1e-12);
        Assert.Equal(0.2, work.GetProperty("tt").GetDouble(), 1e-12);
    }

    [Theory, MemberData(nameof(Pythons))]
    public void A_real_cprofile_file_survives_our_reader_and_writer_unchanged(string label)
    {
        var python = PythonInstalls.Require(label);
        var original = Path.Combine(_directory, "cprofile.prof");
        PythonRunner.RunIn(_directory, python.Path!, "-m", "cProfile", "-o", original, PythonRunner.Fixture("call_counts.py"), Path.Combine(_directory, "truth.json"));

        var profile = FormatRegistry.ReadFile(original);
        var rewritten = WriteProf(profile, "rewritten.prof");

        var before = Dump(python, original);
        var after = Dump(python, rewritten);
        Assert.Equal(before.GetProperty("total_calls").GetInt64(), after.GetProperty("total_calls").GetInt64());
        Assert.Equal(before.GetProperty("prim_calls").GetInt64(), after.GetProperty("prim_calls").GetInt64());
        Assert.Equal(before.GetProperty("total_tt").GetDouble(), after.GetProperty("total_tt").GetDouble(), 1e-9);
        var functionsBefore = before.GetProperty("functions").EnumerateArray().ToList();
        var functionsAfter = after.GetProperty("functions").EnumerateArray().ToList();
        Assert.Equal(functionsBefore.Count, functionsAfter.Count);
        for (var i = 0; i < functionsBefore.Count; i++) AssertSameEntry(functionsBefore[i], functionsAfter[i]);
    }

    /// <summary>Names and counts equal; times equal to the nanosecond the model keeps.</summary>
    private static void AssertSameEntry(JsonElement expected, JsonElement actual)
    {
        foreach (var name in new[] { "file", "line", "name", "nc", "cc" })
            Assert.Equal(expected.GetProperty(name).ToString(), actual.GetProperty(name).ToString());
        foreach (var name in new[] { "tt", "ct" })
            Assert.Equal(expected.GetProperty(name).GetDouble(), actual.GetProperty(name).GetDouble(), 0.6e-9);
        if (!expected.TryGetProperty("callers", out var callers)) return;
        var actualCallers = actual.GetProperty("callers").EnumerateArray().ToList();
        var expectedCallers = callers.EnumerateArray().ToList();
        Assert.Equal(expectedCallers.Count, actualCallers.Count);
        for (var i = 0; i < expectedCallers.Count; i++) AssertSameEntry(expectedCallers[i], actualCallers[i]);
    }

    [Theory, MemberData(nameof(Pythons))]
    public void Reads_files_of_the_pure_python_profile_module(string label)
    {
        var python = PythonInstalls.Require(label);
        var path = Path.Combine(_directory, "profile.prof");
        var truthPath = Path.Combine(_directory, "truth.json");
        PythonRunner.RunIn(_directory, python.Path!, "-m", "profile", "-o", path, PythonRunner.Fixture("call_counts.py"), truthPath);
        var truth = JsonDocument.Parse(File.ReadAllText(truthPath)).RootElement.GetProperty("functions");

        var graph = FormatRegistry.ReadFile(path).CallGraph!;

        var byName = graph.Functions.Where(f => f.Function.File.EndsWith("call_counts.py", StringComparison.Ordinal)).ToLookup(f => f.Function.Function);
        foreach (var name in new[] { "leaf", "fib", "ping" })
        {
            var function = Assert.Single(byName[name]);
            Assert.Equal(truth.GetProperty(name).GetProperty("calls").GetInt64(), function.Calls);
            Assert.Equal(truth.GetProperty(name).GetProperty("calls").GetInt64(), graph.CallersOf(function.Function).Sum(e => e.Calls));
        }
    }
}
