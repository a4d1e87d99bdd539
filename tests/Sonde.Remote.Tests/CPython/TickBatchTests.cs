using Sonde.Remote.CPython;
using Sonde.Remote.Memory;
using Sonde.Testing;

namespace Sonde.Remote.Tests.CPython;

/// <summary>
/// A sampler tick after the first reads the thread list, every walked thread's frames and code headers and the
/// consistency checks in one call, and gets the same stacks as reading them one by one.
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
        var attached = PythonTarget.Attach(target.Id);
        var memory = new CountingMemory(new ProcessVmMemory(target.Id));
        var interpreter = new RemoteInterpreter(memory, attached.Interpreter.Layout, attached.Binary.RuntimeAddress, attached.Binary.Builtins);

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

    private static List<List<string>> Tick(RemoteInterpreter interpreter)
    {
        var threads = new List<RemoteThread>();
        Assert.True(interpreter.TryReadThreads(threads));
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
