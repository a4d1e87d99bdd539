using System.Text.Json;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Dump;

/// <summary>`sonde dump` shows each thread's current stack with the right lines, in text and JSON.</summary>
public sealed class DumpTests
{
    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void ShowsTheSleepingFunctionAtItsLine(string python)
    {
        var py = PythonInstalls.Require(python);
        using var target = PythonProcess.Start(py.Path!, Repository.Fixture("sleeper.py"), ["60"]);
        var sleepLine = File.ReadAllLines(Repository.Fixture("sleeper.py")).ToList().FindIndex(l => l.Contains("time.sleep(seconds)")) + 1;

        var text = SondeCli.Run("dump", "-p", target.Pid.ToString());
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains($"wait_here ({Repository.Fixture("sleeper.py")}:{sleepLine})", text.StdOut);
        Assert.Contains("MainThread", text.StdOut);
        Assert.Contains("idle", text.StdOut);

        var json = SondeCli.Run("dump", "-p", target.Pid.ToString(), "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.StdOut);
        var thread = document.RootElement.GetProperty("threads")[0];
        Assert.Equal(target.Pid, thread.GetProperty("native_thread_id").GetInt32());
        Assert.False(thread.GetProperty("active").GetBoolean());
        var frames = thread.GetProperty("frames");
        Assert.Equal("wait_here", frames[0].GetProperty("function").GetString());
        Assert.Equal(sleepLine, frames[0].GetProperty("line").GetInt32());
        Assert.Equal("<module>", frames[frames.GetArrayLength() - 1].GetProperty("function").GetString());
    }

    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void ShowsEveryThreadAndTheGilHolder(string python)
    {
        var py = PythonInstalls.Require(python);
        using var temp = new TempDirectory();
        var script = temp.File("two_threads.py");
        File.WriteAllText(script, """
            import threading, time
            def spinner():
                x = 0
                while True:
                    x += 1
            def sleeper():
                time.sleep(60)
            threading.Thread(target=spinner, daemon=True).start()
            threading.Thread(target=sleeper, daemon=True).start()
            print("READY", flush=True)
            time.sleep(60)
            """);
        using var target = PythonProcess.Start(py.Path!, script, []);
        Thread.Sleep(300);
        var json = SondeCli.Run("dump", "-p", target.Pid.ToString(), "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.StdOut);
        var threads = document.RootElement.GetProperty("threads").EnumerateArray().ToList();
        Assert.Equal(3, threads.Count);
        var spinner = threads.Single(t => t.GetProperty("frames").EnumerateArray().Any(f => f.GetProperty("function").GetString() == "spinner"));
        Assert.True(spinner.GetProperty("active").GetBoolean(), json.StdOut);
        Assert.True(threads.All(t => t.GetProperty("native_thread_id").GetInt32() > 0), json.StdOut);
        Assert.Contains(threads, t => t.GetProperty("frames").EnumerateArray().Any(f => f.GetProperty("function").GetString() == "sleeper"));
        // The spinner is the only thread that wants the GIL, and nothing asks it to let go.
        Assert.True(spinner.GetProperty("holds_gil").GetBoolean(), json.StdOut);
        Assert.Single(threads, t => t.GetProperty("holds_gil").GetBoolean());
    }
}
