using System.Text.Json;
using Sonde.Remote.CPython;
using Sonde.Remote.Sampling;
using Sonde.Testing;

namespace Sonde.Remote.Tests.CPython;

/// <summary>
/// Reading Python objects from outside, against what the running program says about itself: thread names from
/// <c>threading</c>, and frame locals of every simple type, including hostile objects that must not make Sonde
/// read without bound.
/// </summary>
public sealed class PythonObjectsTests
{
    public static TheoryData<string> Pythons => PythonInstalls.Labels;

    [Theory, MemberData(nameof(Pythons))]
    public void ThreadsAreNamedAsThreadingNamesThem(string label)
    {
        var py = PythonInstalls.Require(label);
        using var target = TargetProcess.Start(py.Path!, [Fixtures.Python("named_threads.py"), "wait", "60"], waitForLine: true);
        var facts = JsonSerializer.Deserialize<Dictionary<string, int>>(target.FirstLine!)!;
        var interpreter = PythonTarget.Attach(target.Id).Interpreter;

        var threads = new List<RemoteThread>();
        Assert.True(interpreter.TryReadThreads(threads));
        var names = new PythonThreadNames(interpreter);
        names.Observe(threads);
        var byTid = threads.ToDictionary(t => t.NativeThreadId, t => names.NameOf(t));

        Assert.Equal(facts.Count, threads.Count);
        foreach (var (name, tid) in facts.Where(f => f.Key != "not_a_name"))
            Assert.True(byTid.TryGetValue(tid, out var read) && read == name, $"thread {tid}: expected '{name}', read '{byTid.GetValueOrDefault(tid)}'");
        // A thread whose _name is not a str keeps its kernel name.
        var odd = facts["not_a_name"];
        Assert.Equal(File.ReadAllText($"/proc/{target.Id}/task/{odd}/comm").TrimEnd('\n'), byTid[odd]);

        // A second reader of the same target looks the names up by the hashes the first one learned.
        var again = new PythonThreadNames(interpreter);
        again.Observe(threads);
        Assert.Equal(byTid, threads.ToDictionary(t => t.NativeThreadId, t => again.NameOf(t)));
    }

    [Theory, MemberData(nameof(Pythons))]
    public void ThreadsThatThreadingDoesNotKnowKeepTheirKernelNames(string label)
    {
        var py = PythonInstalls.Require(label);
        const string script = """
            import _thread, sys, time
            started = []
            def worker():
                started.append(True)
                time.sleep(60)
            _thread.start_new_thread(worker, ())
            # On a busy machine the new thread may take a while to run and record its kernel tid.
            while not started:
                time.sleep(0.01)
            time.sleep(0.1)
            print("ready", flush=True)
            time.sleep(60)
            """;
        using var target = TargetProcess.Start(py.Path!, ["-c", script], waitForLine: true);
        var interpreter = PythonTarget.Attach(target.Id).Interpreter;
        var threads = new List<RemoteThread>();
        Assert.True(interpreter.TryReadThreads(threads));
        Assert.Equal(2, threads.Count);
        var names = new PythonThreadNames(interpreter);
        names.Observe(threads);

        Assert.Equal("MainThread", names.NameOf(threads.Single(t => t.NativeThreadId == target.Id)));
        var other = threads.Single(t => t.NativeThreadId != target.Id);
        Assert.Equal(File.ReadAllText($"/proc/{target.Id}/task/{other.NativeThreadId}/comm").TrimEnd('\n'), names.NameOf(other));
    }

    [Theory, MemberData(nameof(Pythons))]
    public void LocalsAreShownAsPythonShowsThem(string label)
    {
        var py = PythonInstalls.Require(label);
        using var target = TargetProcess.Start(py.Path!, [Fixtures.Python("locals_showcase.py"), "60"], waitForLine: true);
        using var facts = JsonDocument.Parse(target.FirstLine!);
        var interpreter = PythonTarget.Attach(target.Id).Interpreter;

        var threads = new List<RemoteThread>();
        Assert.True(interpreter.TryReadThreads(threads));
        var frames = new List<RemoteFrame>();
        Assert.Equal(WalkResult.Complete, interpreter.Walk(threads.Single(t => t.NativeThreadId == target.Id), frames));
        var showcase = frames.Single(f => f.Code.Qualname == "showcase");
        var locals = interpreter.ReadLocals(showcase);
        Assert.NotNull(locals);

        var expected = facts.RootElement.GetProperty("locals").EnumerateArray().ToList();
        Assert.Equal(expected.Select(e => e[0].GetString()), locals.Select(l => l.Name));
        foreach (var (fact, local) in expected.Zip(locals))
            ExpectedLocal.AssertMatches(fact, local.Name, local.TypeName, local.Value);
        // The module frame has no fast locals: its variables are globals.
        Assert.Empty(interpreter.ReadLocals(frames.Single(f => f.Code.Qualname == "<module>"))!);
    }

    [Theory, MemberData(nameof(Pythons))]
    public void LocalsOfAFrameThatReturnedAreNotRead(string label)
    {
        var py = PythonInstalls.Require(label);
        using var target = TargetProcess.Start(py.Path!, [Fixtures.Python("locals_showcase.py"), "0.5", "60"], waitForLine: true);
        var interpreter = PythonTarget.Attach(target.Id).Interpreter;
        var threads = new List<RemoteThread>();
        Assert.True(interpreter.TryReadThreads(threads));
        var frames = new List<RemoteFrame>();
        Assert.Equal(WalkResult.Complete, interpreter.Walk(threads[0], frames));
        var showcase = frames.Single(f => f.Code.Qualname == "showcase");

        // showcase returns after half a second and another function runs in its place (3.11+: the same stack slot;
        // 3.8-3.10: its frame object waits, cleared, for the next call).
        Thread.Sleep(1500);
        Assert.Null(interpreter.ReadLocals(showcase));
        Assert.True(interpreter.TryReadThreads(threads));
        frames.Clear();
        Assert.Equal(WalkResult.Complete, interpreter.Walk(threads[0], frames));
        Assert.Equal("afterwards", frames[0].Code.Qualname);
        Assert.Equal([new RemoteLocal("seconds", "float", "60.0"), new RemoteLocal("other", "str", "'not showcase'")], interpreter.ReadLocals(frames[0]));
    }
}
