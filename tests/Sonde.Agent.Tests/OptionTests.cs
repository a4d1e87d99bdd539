using System.Text.Json;
using Sonde.Agent.Tests.Support;
using Sonde.Profiles;
using Sonde.Testing;

namespace Sonde.Agent.Tests;

/// <summary>--clock and --no-builtins change what is measured; a program that closes descriptors is left alone.</summary>
public sealed class OptionTests
{
    public static TheoryData<string> Pythons => Support.Pythons.All;

    [Theory, MemberData(nameof(Pythons))]
    public void TheCpuClockLeavesSleepOutAndTheWallClockCountsIt(string label)
    {
        var python = PythonInstalls.Require(label);
        using var scratch = new Scratch();
        var fixture = Fixtures.Path("trace_clock.py");
        var wall = Traces.Run(new AgentOptions { Clock = TraceClock.Wall }, python.Path!, fixture, scratch.File("wall.json"));
        var cpu = Traces.Run(new AgentOptions { Clock = TraceClock.Cpu, Builtins = false }, python.Path!, fixture, scratch.File("cpu.json"));
        using var wallTruth = JsonDocument.Parse(File.ReadAllText(scratch.File("wall.json")));
        using var cpuTruth = JsonDocument.Parse(File.ReadAllText(scratch.File("cpu.json")));

        // Wall clock: nap takes at least the 0.3 s it slept, and no more than the fixture measured around it.
        var napWall = Function(wall, "nap").TotalNs / 1e9;
        Assert.InRange(napWall, 0.3, Seconds(wallTruth, "nap", "wall"));
        // CPU clock: sleeping costs next to nothing; nap's time is bounded by the CPU time the fixture measured.
        var napCpu = Function(cpu, "nap").TotalNs / 1e9;
        Assert.InRange(napCpu, 0, Seconds(cpuTruth, "nap", "cpu") + 0.005);
        Assert.InRange(Function(cpu, "spin").TotalNs / 1e9, 0, Seconds(cpuTruth, "spin", "cpu") + 0.005);
        Assert.True(Function(cpu, "spin").TotalNs > 0);

        // Built-ins counted by default, not with --no-builtins.
        Assert.Contains(Functions(wall), f => f.Function.Kind == FrameKind.Native && f.Function.Function.Contains("sleep", StringComparison.Ordinal));
        Assert.DoesNotContain(Functions(cpu), f => f.Function.Kind == FrameKind.Native);
    }

    [Fact]
    public void NeverWritesToADescriptorTheProgramReused()
    {
        var python = PythonInstalls.All.FirstOrDefault(p => p.Path is not null)?.Path;
        if (python is null) Assert.Skip("no CPython 3.8+ on this machine");
        using var scratch = new Scratch();
        var file = scratch.File("arrived");
        var result = Traces.Run(new AgentOptions { FlushInterval = TimeSpan.FromMilliseconds(100) }, python, Fixtures.Path("trace_close_fds.py"), file);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("0", File.ReadAllText(file));
    }

    private static IEnumerable<Sonde.Profiles.CallGraph.FunctionCallStats> Functions(TraceResult result) =>
        result.Processes.Single().Threads.SelectMany(t => t.Functions);

    private static Sonde.Profiles.CallGraph.FunctionCallStats Function(TraceResult result, string name) =>
        Functions(result).Single(f => f.Function.Function == name);

    private static double Seconds(JsonDocument truth, string function, string clock) =>
        truth.RootElement.GetProperty(function).GetProperty(clock).GetDouble();
}
