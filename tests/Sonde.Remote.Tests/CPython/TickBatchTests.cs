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
        using var target = StartScript(label, Script);
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
    /// on 3.11 and 3.12 the GIL (the thread states' links tell whether the list changed, and from 3.13 each thread
    /// state says whether it holds the GIL), the thread state, on 3.11 and 3.12 the C-stack cframe that points to
    /// the innermost frame, and the frames.
    /// Nothing below the thread's base (the C-stack frame it entered Python from, 3.12+) and no pointer after
    /// the frames: a walk that ends at the thread's known base needs no check.
    /// </summary>
    [Theory, MemberData(nameof(Pythons))]
    public void ASteadyThreadsTickReadsItsStateAndFramesAndNothingElse(string label)
    {
        using var target = StartScript(label, OneThreadScript);
        var (memory, interpreter) = AttachTrustingEveryCode(target);
        var minor = interpreter.Layout.Minor;
        if (minor < 11) Assert.Skip($"CPython {label} keeps its frames as separate heap objects, so how many ranges a tick reads depends on where they landed");

        var first = Tick(interpreter, readGil: true);
        Assert.Equal(41, first.Single().Count(f => f == "recurse"));
        Tick(interpreter, readGil: true);
        memory.Calls = 0;
        memory.Ranges.Clear();
        Assert.Equal(first, Tick(interpreter, readGil: true));
        Assert.Equal(1, memory.Calls);
        Assert.Equal(minor switch { 11 or 12 => 4, _ => 2 }, memory.Ranges.Count);
    }

    // The main thread waits 33 frames deep in a(), then, told "0", returns to phase() and waits as deep in b(): the
    // frames of b() take the places of a()'s on the data stack.
    private const string CallersChangeScript = """
        import sys, threading
        def a(n, event):
            if n:
                return a(n - 1, event)
            print("ready", flush=True)
            event.wait()
        def b(n, event):
            if n:
                return b(n - 1, event)
            print("ready", flush=True)
            event.wait()
        def phase(events):
            a(10, events[0])
            b(10, events[1])
        def down(n, events):
            if n:
                return down(n - 1, events)
            phase(events)
        def release():
            for line in sys.stdin:
                events[int(line)].set()
        events = [threading.Event(), threading.Event()]
        threading.Thread(target=release, daemon=True).start()
        down(20, events)
        """;

    /// <summary>
    /// From 3.11 a tick takes the frames whose bytes haven't changed since the last walk from that walk. A thread
    /// that stays put is then taken whole; one whose frames were replaced by others at the same addresses must be
    /// walked from where its bytes changed, and come out with the new frames.
    /// </summary>
    [Theory, MemberData(nameof(Pythons))]
    public void FramesThatChangedInPlaceAreWalkedAndTheRestTakenFromTheLastWalk(string label)
    {
        using var target = StartScript(label, CallersChangeScript);
        var (_, interpreter) = AttachTrustingEveryCode(target);
        var reuses = interpreter.Layout.Minor >= 11;

        var before = MainThreadStack(interpreter, target.Id);
        Assert.Equal(11, before.Count(f => f == "a"));
        for (var tick = 0; tick < 3; tick++) Assert.Equal(before, MainThreadStack(interpreter, target.Id));
        if (reuses) Assert.Equal(before.Count, interpreter.ReusedFrames);

        Assert.Equal("ready", target.Ask("0"));
        var after = MainThreadStack(interpreter, target.Id);
        Assert.Equal(11, after.Count(f => f == "b"));
        Assert.DoesNotContain("a", after);
        Assert.Equal(21, after.Count(f => f == "down"));
        // down()'s frames and the module's are the same; phase() now calls b().
        if (reuses) Assert.Equal(22, interpreter.ReusedFrames);
        Assert.Equal(after, MainThreadStack(interpreter, target.Id));
    }

    private static TargetProcess StartScript(string label, string script) =>
        TargetProcess.Start(PythonInstalls.Require(label).Path!, ["-c", script], waitForLine: true);

    /// <summary>Attaches over counting memory, with the code cache vouching for every code object at once.</summary>
    private static (CountingMemory Memory, RemoteInterpreter Interpreter) AttachTrustingEveryCode(TargetProcess target)
    {
        var (memory, interpreter) = CountingMemory.AttachInterpreter(target.Id);
        // Code headers are another matter (CodeTrustTests).
        interpreter.Codes.TrustAfterMs = 0;
        interpreter.Codes.ReverifyAfterMs = 60_000;
        return (memory, interpreter);
    }

    private static List<string> MainThreadStack(RemoteInterpreter interpreter, int mainThreadId)
    {
        var threads = new List<RemoteThread>();
        Assert.True(interpreter.TryReadThreads(threads));
        var frames = new List<RemoteFrame>();
        Assert.Equal(WalkResult.Complete, interpreter.Walk(threads.Single(t => t.NativeThreadId == mainThreadId), frames));
        return frames.Select(f => f.Code.Qualname.Split('.')[^1]).ToList();
    }

    // Starts and stops named threads that wait, answering with the thread's native id or "stopped".
    private const string ThreadsOnCommandScript = """
        import sys, threading
        def wait_for(event):
            event.wait()
        running = {}
        print("ready", flush=True)
        for line in sys.stdin:
            command, name = line.split()
            if command == "start":
                event = threading.Event()
                thread = threading.Thread(target=wait_for, args=(event,), name=name)
                thread.start()
                running[name] = (event, thread)
                print(thread.native_id, flush=True)
            else:
                event, thread = running.pop(name)
                event.set()
                thread.join()
                print("stopped", flush=True)
        """;

    /// <summary>
    /// Threads that start and end while the batch reads the list as last seen: a new thread state goes in at the
    /// head of the list, and the batch, which from 3.11 doesn't read the head, must see it from the old head's
    /// link back. Threads that end, at the head, in the middle and next to the main thread, must go.
    /// </summary>
    [Theory, MemberData(nameof(Pythons))]
    public void TheBatchSeesThreadsStartAndEndWhereverTheyAreInTheList(string label)
    {
        using var target = StartScript(label, ThreadsOnCommandScript);
        var (memory, interpreter) = CountingMemory.AttachInterpreter(target.Id);
        var main = target.Id;
        Assert.Equal(Sorted(main), ThreadIds(interpreter));

        var a = int.Parse(target.Ask("start a"));
        Assert.Equal(Sorted(main, a), ThreadIds(interpreter));
        var b = int.Parse(target.Ask("start b"));
        Assert.Equal(Sorted(main, a, b), ThreadIds(interpreter));
        // The list is steady, so the batch alone reads it: the next change must be caught there.
        memory.Calls = 0;
        Assert.Equal(Sorted(main, a, b), ThreadIds(interpreter));
        Assert.Equal(1, memory.Calls);

        Assert.Equal("stopped", target.Ask("stop b"));
        AssertSoon(interpreter, Sorted(main, a));
        var c = int.Parse(target.Ask("start c"));
        Assert.Equal(Sorted(main, a, c), ThreadIds(interpreter));
        Assert.Equal("stopped", target.Ask("stop a"));
        AssertSoon(interpreter, Sorted(main, c));
        Assert.Equal("stopped", target.Ask("stop c"));
        AssertSoon(interpreter, Sorted(main));
    }

    /// <summary>
    /// A thread that has been joined may take a moment to leave the list (its state is cleared, which wakes the
    /// joiner, before it is unlinked), so the list is read until it matches, for up to 5 s.
    /// </summary>
    private static void AssertSoon(RemoteInterpreter interpreter, int[] expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        int[] seen;
        while (!(seen = ThreadIds(interpreter)).SequenceEqual(expected) && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.Equal(expected, seen);
    }

    private static int[] Sorted(params int[] ids) => ids.Order().ToArray();

    private static int[] ThreadIds(RemoteInterpreter interpreter)
    {
        var threads = new List<RemoteThread>();
        Assert.True(interpreter.TryReadThreads(threads));
        return threads.Select(t => t.NativeThreadId).Order().ToArray();
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
