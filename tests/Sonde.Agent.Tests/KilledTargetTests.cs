using Sonde.Agent.Tests.Support;
using Sonde.Testing;

namespace Sonde.Agent.Tests;

/// <summary>SIGKILL leaves no chance to report; the agent's periodic flushes are what remains.</summary>
public sealed class KilledTargetTests
{
    public static TheoryData<string> Pythons => Support.Pythons.All;

    [Theory, MemberData(nameof(Pythons))]
    public void AKilledTargetKeepsWhatItsLastFlushSent(string label)
    {
        var python = PythonInstalls.Require(label);
        using var scratch = new Scratch();
        var ready = scratch.File("ready");
        var options = new AgentOptions { FlushInterval = TimeSpan.FromMilliseconds(200) };
        using var session = TraceSession.Start([python.Path!, Fixtures.Path("trace_spin.py"), ready], options);
        var pid = int.Parse(Traces.WaitForFile(ready, session), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(session.ProcessId, pid);
        // The fixture had made 20,000 calls when it wrote the file; several flushes happen in a second.
        Thread.Sleep(1000);
        Traces.Kill(pid);
        Assert.True(session.WaitForExit(new CancellationTokenSource(Traces.Timeout).Token));
        var result = session.Finish(TimeSpan.FromSeconds(5));

        Assert.Equal(128 + 9, result.ExitCode);
        var process = Assert.Single(result.Processes);
        Assert.Equal(ProcessEnd.Lost, process.End);
        var main = Assert.Single(process.Threads);
        Assert.False(main.Final);
        var tick = Assert.Single(main.Functions, f => f.Function.Function == "tick");
        Assert.True(tick.Calls >= 20_000, $"only {tick.Calls} calls of tick reached Sonde");
        Assert.Equal(tick.Calls, tick.PrimitiveCalls);
    }
}
