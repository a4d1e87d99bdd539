using System.Text.Json;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Dump;

/// <summary>`dump --subprocesses` dumps the process and the CPython processes below it; a child it can't read is one warning line.</summary>
public sealed class DumpSubprocessesTests
{
    [Fact]
    public void DumpsTheParentAndItsPythonChild()
    {
        var py = PythonInstalls.Require("3.10");
        using var temp = new TempDirectory();
        var stub = temp.File("python-stub");
        File.Copy("/bin/sleep", stub);
        var script = temp.File("parent.py");
        File.WriteAllText(script, $$"""
            import subprocess, sys, time
            def wait_for_children(child):
                time.sleep(60)
            child = subprocess.Popen([sys.executable, {{JsonSerializer.Serialize(Repository.Fixture("top_target.py"))}}, "0"], stdout=subprocess.PIPE)
            child.stdout.readline()
            stub = subprocess.Popen([{{JsonSerializer.Serialize(stub)}}, "60"])
            print("READY", flush=True)
            print(child.pid, flush=True)
            wait_for_children(child)
            """);
        using var parent = PythonProcess.Start(py.Path!, script, []);
        var childPid = int.Parse(parent.Process.StandardOutput.ReadLine()!);

        var json = SondeCli.Run("dump", "-p", parent.Pid.ToString(), "--subprocesses", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var warning = Assert.Single(json.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("python-stub", warning);
        using var document = JsonDocument.Parse(json.StdOut);
        var processes = document.RootElement.GetProperty("processes").EnumerateArray().ToDictionary(p => p.GetProperty("pid").GetInt32());
        Assert.Equal([parent.Pid, childPid], processes.Keys.Order());
        Assert.Equal("wait_for_children", processes[parent.Pid].GetProperty("threads")[0].GetProperty("frames")[0].GetProperty("function").GetString());
        var childThreads = processes[childPid].GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("lock-waiter", childThreads);
        Assert.Contains("MainThread", childThreads);

        var text = SondeCli.Run("dump", "-p", parent.Pid.ToString(), "--subprocesses");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains($"Process {parent.Pid}: ", text.StdOut);
        Assert.Contains($"Process {childPid}: ", text.StdOut);
    }
}
