using Sonde.Remote.CPython;
using Sonde.Remote.Memory;
using Sonde.Testing;

namespace Sonde.Remote.Tests.CPython;

/// <summary>
/// A sampler tick after the first reads the thread list and every walked thread's frames and code headers in one
/// call, and gets the same stacks as reading them one by one.
/// </summary>
public sealed class TickBatchTests
{
    public static TheoryData<string> Pythons => PythonInstalls.Labels;

    // A generator's frame sits outside the thread's data stack (3.11+): the batch must bring it too.
    private const string Script = """
        import sys, threading, time
        def recurse(n, event):
            if n:
                return recurse(n - 1, event)
            event.wait()
        def gen(event):
            yield recurse(30, event)
        def worker(event):
            for _ in gen(event):
                pass
        event = threading.Event()
        threading.Thread(target=worker, args=(event,), name="worker").start()
        time.sleep(0.2)
        print("ready", flush=True)
        time.sleep(60)
        """;

    [Theory, MemberData(nameof(Pythons))]
    public void LaterTicksReadEverythingInOneCallAndAgreeWithTheFirst(string label)
    {
        var py = PythonInstalls.Require(label);
        using var target = TargetProcess.Start(py.Path!, ["-c", Script], waitForLine: true);
        var (memory, interpreter) = CountingMemory.AttachInterpreter(target.Id);

        var first = Tick(interpreter);
        Assert.Contains(first, stack => stack.Count(f => f == "recurse") == 31 && stack.Contains("gen"));
        for (var tick = 0; tick < 3; tick++)
        {
            memory.Calls = 0;
            var again = Tick(interpreter);
            Assert.Equal(1, memory.Calls);
            Assert.Equal(first, again);
        }
    }

    // One thread, 40 frames deep, waiting on a lock with the GIL released.
    private const string OneThreadScript = """
        import sys, threading
        def recurse(n, lock):
            if n:
                return recurse(n - 1, lock)
            print("ready", flush=True)
            lock.acquire()
        lock = threading.Lock()
        lock.acquire()
        recurse(40, lock)
        """;

    /// <summary>
    /// What a steady thread's tick reads, from 3.11 on, where a thread's frames sit together in its data stack:
    /// the interpreter's thread list and GIL (on 3.11 the GIL lives elsewhere in _PyRuntime: a range of its own),
    /// the thread state, on 3.11 and 3.12 the C-stack cframe that points to the innermost frame, and the frames.
    /// Nothing below the thread's base (the C-stack frame it entered Python from, 3.12+) and no pointer after
    /// the frames: a walk that ends at the thread's known base needs no check.
    /// </summary>
    [Theory, MemberData(nameof(Pythons))]
    public void ASteadyThreadsTickReadsItsStateAndFramesAndNothingElse(string label)
    {
        var py = PythonInstalls.Require(label);
        using var target = TargetProcess.Start(py.Path!, ["-c", OneThreadScript], waitForLine: true);
        var (memory, interpreter) = CountingMemory.AttachInterpreter(target.Id);
        var minor = interpreter.Layout.Minor;
        if (minor < 11) Assert.Skip($"CPython {label} keeps its frames as separate heap objects, so how many ranges a tick reads depends on where they landed");
        // Code headers are another matter (CodeTrustTests): here the cache vouches for every code object at once.
        interpreter.Codes.TrustAfterMs = 0;
        interpreter.Codes.ReverifyAfterMs = 60_000;

        var first = Tick(interpreter, readGil: true);
        Assert.Equal(41, first.Single().Count(f => f == "recurse"));
        Tick(interpreter, readGil: true);
        memory.Calls = 0;
        memory.Ranges.Clear();
        Assert.Equal(first, Tick(interpreter, readGil: true));
        Assert.Equal(1, memory.Calls);
        Assert.Equal(minor switch { 11 => 5, 12 => 4, _ => 3 }, memory.Ranges.Count);
    }

    private static List<List<string>> Tick(RemoteInterpreter interpreter, bool readGil = false)
    {
        var threads = new List<RemoteThread>();
        Assert.True(interpreter.TryReadThreads(threads));
        if (readGil) interpreter.GilHolder();
        var stacks = new List<List<string>>();
        foreach (var thread in threads)
        {
            var frames = new List<RemoteFrame>();
            Assert.Equal(WalkResult.Complete, interpreter.Walk(thread, frames));
            stacks.Add(frames.Select(f => f.Code.Qualname.Split('.')[^1]).ToList());
        }
        return stacks;
    }
}
