using Sonde.Agent.Tests.Support;
using Sonde.Testing;

namespace Sonde.Agent.Tests;

/// <summary>However the program ends (exception, sys.exit, os._exit, SIGTERM), every call up to then is counted.</summary>
public sealed class ProcessEndTests
{
    public static TheoryData<string, string> Endings
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var install in PythonInstalls.All)
                foreach (var ending in new[] { "raise", "exit", "os_exit", "sigterm" })
                    data.Add(install.Label, ending);
            return data;
        }
    }

    [Theory, MemberData(nameof(Endings))]
    public void EveryCallBeforeTheEndIsCounted(string label, string ending)
    {
        var python = PythonInstalls.Require(label);
        using var scratch = new Scratch();
        var fixture = Fixtures.Path("trace_calls.py");
        var result = Traces.Run(python.Path!, fixture, scratch.File("truth.json"), ending);
        var truth = CallTruth.Load(scratch.File("truth.json"));

        var (exitCode, end, status) = ending switch
        {
            "raise" => (1, ProcessEnd.Exit, 0),
            "exit" => (3, ProcessEnd.Exit, 0),
            "os_exit" => (4, ProcessEnd.OsExit, 4),
            _ => (128 + 15, ProcessEnd.Signal, 15),
        };
        Assert.Equal(exitCode, result.ExitCode);
        var process = Assert.Single(result.Processes);
        Assert.Equal(end, process.End);
        Assert.Equal(status, process.EndStatus);
        Assert.Null(process.AgentError);
        var main = Assert.Single(process.Threads, t => t.Name == "MainThread");
        Assert.True(main.Final);
        foreach (var (name, (calls, primitive)) in truth.Threads["MainThread"].Functions)
        {
            var stats = Assert.Single(main.Functions, f => f.Function.File == fixture && f.Function.Function == name);
            Assert.Equal((calls, primitive), (stats.Calls, stats.PrimitiveCalls));
        }
        // The module-level code was still running at os._exit and SIGTERM: it is ended and counted once.
        Assert.Equal(1, Assert.Single(main.Functions, f => f.Function.File == fixture && f.Function.Function == "<module>").Calls);
    }
}
