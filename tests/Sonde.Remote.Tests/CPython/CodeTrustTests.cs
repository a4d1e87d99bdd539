using Sonde.Remote.CPython;
using Sonde.Remote.Memory;
using Sonde.Testing;

namespace Sonde.Remote.Tests.CPython;

/// <summary>
/// A sampler tick reads a code object's header only when the cache can't vouch for it: a code object known long
/// enough, checked recently and running under the same globals is resolved without a look, and a new function
/// whose code took a freed one's address is still named right, also by a thread whose last walk saw the old one.
/// </summary>
public sealed class CodeTrustTests
{
    public static TheoryData<string> Pythons => PythonInstalls.Labels;

    // A worker thread runs one exec'd function at a time, at the same depth. Told a new name, the target lets the
    // running function return, waits until its code object is freed, and starts the new one, whose code object
    // the allocator often puts at the freed one's address. Each function gets globals of its own, kept alive.
    private const string Script = """
        import queue, sys, threading, weakref
        jobs = queue.Queue()
        namespaces = []
        def worker():
            while True:
                job = jobs.get()
                job[0](*job[1:])
                del job
        def start(name):
            namespace = {}
            namespaces.append(namespace)
            exec("def %s(started, release):\n    started.set()\n    release.wait()\n" % name, namespace)
            function = namespace.pop(name)
            started, release, freed = threading.Event(), threading.Event(), threading.Event()
            address = id(function.__code__)
            weakref.finalize(function.__code__, freed.set)
            jobs.put((function, started, release))
            del function
            started.wait()
            return address, release, freed
        threading.Thread(target=worker, name="worker", daemon=True).start()
        address, release, freed = start("alpha")
        print(address, flush=True)
        for line in sys.stdin:
            release.set()
            freed.wait()
            address, release, freed = start(line.strip())
            print(address, flush=True)
        """;

    // Two worker threads run the same exec'd function at the same depth, under one globals dict. Told a new name,
    // the target lets both return, waits until the code object is freed, and starts the new function in both.
    // The first line holds the code object's address and the two workers' native thread ids.
    private const string TwoWorkersScript = """
        import queue, sys, threading, weakref
        common = {}
        queues = [queue.Queue(), queue.Queue()]
        tids = []
        def worker(jobs):
            tids.append(threading.get_native_id())
            while True:
                job = jobs.get()
                job[0](*job[1:])
                del job
        def start(name):
            exec("def %s(started, release):\n    started.set()\n    release.wait()\n" % name, common)
            function = common.pop(name)
            release, freed = threading.Event(), threading.Event()
            address = id(function.__code__)
            weakref.finalize(function.__code__, freed.set)
            for jobs in queues:
                started = threading.Event()
                jobs.put((function, started, release))
                started.wait()
            del function
            return address, release, freed
        for jobs in queues:
            threading.Thread(target=worker, args=(jobs,), daemon=True).start()
        address, release, freed = start("alpha")
        print(address, *tids, flush=True)
        for line in sys.stdin:
            release.set()
            freed.wait()
            address, release, freed = start(line.strip())
            print(address, flush=True)
        """;

    [Theory, MemberData(nameof(Pythons))]
    public void TrustedCodeCostsNoReadUntilItsCheckIsDue(string label)
    {
        using var target = StartTarget(label);
        var (memory, interpreter) = Attach(target, trustAfterMs: 0, reverifyAfterMs: 60_000);

        var codes = WorkerStack(interpreter).Select(f => f.Code.Address).Distinct().ToList();
        memory.Ranges.Clear();
        Assert.Contains("alpha", WorkerStack(interpreter).Select(f => f.Code.Qualname));
        Assert.DoesNotContain(memory.Ranges, range => codes.Any(code => Covers(range, code)));

        // Once its check is due, the header is read again.
        Thread.Sleep(50);
        interpreter.Codes.ReverifyAfterMs = 25;
        memory.Ranges.Clear();
        Assert.Contains("alpha", WorkerStack(interpreter).Select(f => f.Code.Qualname));
        Assert.All(codes, code => Assert.Contains(memory.Ranges, range => Covers(range, code)));
    }

    [Theory, MemberData(nameof(Pythons))]
    public void NewCodeIsReadUntilItHasBeenKnownForAWhile(string label)
    {
        using var target = StartTarget(label);
        var (memory, interpreter) = Attach(target, trustAfterMs: 60_000, reverifyAfterMs: 60_000);

        var alpha = ulong.Parse(target.FirstLine!);
        for (var tick = 0; tick < 3; tick++)
        {
            memory.Ranges.Clear();
            Assert.Contains("alpha", WorkerStack(interpreter).Select(f => f.Code.Qualname));
            Assert.Contains(memory.Ranges, range => Covers(range, alpha));
        }
    }

    [Theory, MemberData(nameof(Pythons))]
    public void AFunctionWhoseCodeReusesATrustedAddressIsNamedRight(string label)
    {
        using var target = StartTarget(label);
        // Trust everything at once and for good: only the globals can tell the new function from the old.
        var (_, interpreter) = Attach(target, trustAfterMs: 0, reverifyAfterMs: long.MaxValue / 2);

        var previous = ulong.Parse(target.FirstLine!);
        string[] names = ["bravo", "charlie", "delta", "echo"];
        var reused = 0;
        Assert.Contains("alpha", WorkerStack(interpreter).Select(f => f.Code.Qualname));
        foreach (var name in names)
        {
            Assert.Contains(WorkerStack(interpreter), f => f.Code.Address == previous);
            var address = ulong.Parse(target.Ask(name));
            if (address == previous) reused++;
            var stack = WorkerStack(interpreter).Select(f => f.Code.Qualname).ToList();
            Assert.Contains(name, stack);
            Assert.DoesNotContain(stack, n => n != name && names.Prepend("alpha").Contains(n));
            previous = address;
        }
        if (reused == 0) Assert.Skip($"CPython {label} gave every new code object a new address, so there was no reuse to check");
    }

    [Theory, MemberData(nameof(Pythons))]
    public void ACodeObjectFoundReplacedIsNotTrustedFromAnotherThreadsLastWalk(string label)
    {
        using var target = StartTarget(label, TwoWorkersScript);
        var first = target.FirstLine!.Split(' ');
        var (firstWorker, secondWorker) = (int.Parse(first[1]), int.Parse(first[2]));
        // Trust everything at once and for good, so that only a read of the header can tell the new code object.
        var (_, interpreter) = Attach(target, trustAfterMs: 0, reverifyAfterMs: long.MaxValue / 2);

        var previous = ulong.Parse(first[0]);
        var reused = 0;
        foreach (var name in new[] { "bravo", "charlie", "delta", "echo" })
        {
            // Both threads' last walks see the running function.
            Assert.Contains(StackOf(interpreter, firstWorker), f => f.Code.Address == previous);
            Assert.Contains(StackOf(interpreter, secondWorker), f => f.Code.Address == previous);
            var address = ulong.Parse(target.Ask(name));
            // One thread's walk reads the header again and finds the new code object...
            interpreter.Codes.ReverifyAfterMs = 0;
            Assert.Contains(name, StackOf(interpreter, firstWorker).Select(f => f.Code.Qualname));
            interpreter.Codes.ReverifyAfterMs = long.MaxValue / 2;
            // ...so the other thread's walk, whose last walk had the old one at that height, must not trust it.
            Assert.Contains(name, StackOf(interpreter, secondWorker).Select(f => f.Code.Qualname));
            if (address == previous) reused++;
            previous = address;
        }
        if (reused == 0) Assert.Skip($"CPython {label} gave every new code object a new address, so there was no reuse to check");
    }

    private static TargetProcess StartTarget(string label, string script = Script) =>
        TargetProcess.Start(PythonInstalls.Require(label).Path!, ["-c", script], waitForLine: true);

    /// <summary>An interpreter reader whose code cache trusts on the test's terms, over memory that counts its reads.</summary>
    private static (CountingMemory Memory, RemoteInterpreter Interpreter) Attach(TargetProcess target, long trustAfterMs, long reverifyAfterMs)
    {
        var (memory, interpreter) = CountingMemory.AttachInterpreter(target.Id);
        interpreter.Codes.TrustAfterMs = trustAfterMs;
        interpreter.Codes.ReverifyAfterMs = reverifyAfterMs;
        return (memory, interpreter);
    }

    /// <summary>One sampler tick; the frames of the thread named worker, innermost first.</summary>
    private static List<RemoteFrame> WorkerStack(RemoteInterpreter interpreter)
    {
        var threads = new List<RemoteThread>();
        Assert.True(interpreter.TryReadThreads(threads));
        List<RemoteFrame>? worker = null;
        foreach (var thread in threads)
        {
            var frames = new List<RemoteFrame>();
            Assert.Equal(WalkResult.Complete, interpreter.Walk(thread, frames));
            if (frames.Any(f => f.Code.Qualname == "worker")) worker = frames;
        }
        return worker ?? throw new InvalidOperationException("no thread runs worker()");
    }

    /// <summary>One sampler tick that walks only the thread with this native id; its frames, innermost first.</summary>
    private static List<RemoteFrame> StackOf(RemoteInterpreter interpreter, int nativeThreadId)
    {
        var threads = new List<RemoteThread>();
        Assert.True(interpreter.TryReadThreads(threads));
        var frames = new List<RemoteFrame>();
        Assert.Equal(WalkResult.Complete, interpreter.Walk(threads.Single(t => t.NativeThreadId == nativeThreadId), frames));
        return frames;
    }

    private static bool Covers(RemoteRange range, ulong address) => range.Address <= address && address < range.Address + (ulong)range.Length;
}
