using Sonde.Remote.CPython;
using Sonde.Remote.Sampling;
using Sonde.Testing;

namespace Sonde.Remote.Tests.CPython;

/// <summary>The walker against real interpreters: threads, frames and lines, and 3.13's own offset table.</summary>
public sealed class RemoteInterpreterTests
{
    public static TheoryData<string> Pythons => PythonInstalls.Labels;

    private const string Script = """
        import sys, threading, time
        def sleeping_worker(event):
            event.wait()
        def main_waits():
            event = threading.Event()
            threading.Thread(target=sleeping_worker, args=(event,), name="worker").start()
            print("%d.%d.%d" % sys.version_info[:3], flush=True)
            time.sleep(60)
        main_waits()
        """;

    [Theory, MemberData(nameof(Pythons))]
    public void ReadsEveryThreadWithItsFramesAndLines(string label)
    {
        var py = PythonInstalls.Require(label);
        using var target = TargetProcess.Start(py.Path!, ["-c", Script], waitForLine: true);
        var interpreter = PythonTarget.Attach(target.Id).Interpreter;

        var threads = new List<RemoteThread>();
        Assert.True(interpreter.TryReadThreads(threads));
        Assert.Equal(2, threads.Count);
        var tasks = Directory.GetDirectories($"/proc/{target.Id}/task").Select(d => int.Parse(Path.GetFileName(d))).ToHashSet();
        Assert.All(threads, t => Assert.Contains(t.NativeThreadId, tasks));
        Assert.Contains(threads, t => t.NativeThreadId == target.Id);

        var main = Walk(interpreter, threads.Single(t => t.NativeThreadId == target.Id));
        Assert.Equal(["main_waits", "<module>"], main.Select(f => f.Code.Qualname));
        Assert.Equal([8, 9], main.Select(f => f.Line));
        Assert.Equal("<string>", main[0].Code.Filename);
        Assert.Equal(4, main[0].Code.FirstLine);

        var worker = Walk(interpreter, threads.Single(t => t.NativeThreadId != target.Id));
        Assert.Contains(worker, f => f.Code.Qualname == "sleeping_worker" && f.Line == 3);
        Assert.EndsWith("_bootstrap", worker[^1].Code.Qualname);
        // Both threads block in C with the GIL released.
        Assert.Equal(0UL, interpreter.GilHolder());
    }

    [Fact]
    public void OnThreeThirteenTheGeneratedLayoutAgreesWithTheTargetsDebugOffsets()
    {
        var py = PythonInstalls.Require("3.13");
        using var target = TargetProcess.StartPython(py.Path!);
        var attached = PythonTarget.Attach(target.Id);
        Assert.Empty(attached.DebugOffsetMismatches);
        Assert.True(attached.Interpreter.Layout.DebugOffsetsVersion >= 0);
    }

    [Fact]
    public void ThreadStatParsingHandlesNamesWithSpacesAndParentheses()
    {
        var line = "1234 (a (weird) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 31 0 0 20 0 1 0"u8;
        Assert.True(ThreadStatReader.Parse(line, out var state, out var ticks));
        Assert.Equal('S', state);
        Assert.Equal(281, ticks);
    }

    private static List<RemoteFrame> Walk(RemoteInterpreter interpreter, RemoteThread thread)
    {
        var frames = new List<RemoteFrame>();
        Assert.Equal(WalkResult.Complete, interpreter.Walk(thread, frames));
        return frames;
    }
}
