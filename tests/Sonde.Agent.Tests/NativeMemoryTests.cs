using System.Text.Json;
using Sonde.Agent.Memory;
using Sonde.Agent.Tests.Support;
using Sonde.Testing;

namespace Sonde.Agent.Tests;

/// <summary>
/// `sonde mem`'s native engine (src/Sonde.Agent/native/sonde_alloc.c) against a multi-threaded fixture that
/// measures what it keeps: the shim is the one in use on every CPython, its sampled estimate of the bytes and
/// objects kept lands near the truth, and without a shim the agent measures with tracemalloc and says why.
/// </summary>
public sealed class NativeMemoryTests
{
    public static TheoryData<string> Pythons => Support.Pythons.All;

    // One allocation sampled per 32 KiB: about 1,000 samples of the 32 MiB the fixture keeps, so the estimate's
    // standard error is about 3%, and 15% is nearly five of them.
    private const int SampleBytes = 32 * 1024;
    private const double Tolerance = 0.15;

    [Theory, MemberData(nameof(Pythons))]
    public void TheShimMeasuresEveryPythonAndItsEstimateMatchesWhatTheFixtureKept(string label)
    {
        var python = PythonInstalls.Require(label);
        using var scratch = new Scratch();
        var truthPath = scratch.File("truth.json");
        var options = new AgentOptions { Mode = AgentMode.Memory, SampleBytes = SampleBytes };
        var result = Traces.Run(options, python.Path!, Fixtures.Path("mem_threads.py"), truthPath);

        Assert.Equal(0, result.ExitCode);
        using var truth = JsonDocument.Parse(File.ReadAllText(truthPath));
        var minor = python.Minor;
        Assert.EndsWith($"/native/sonde_alloc_3{minor}.so", truth.RootElement.GetProperty("shim").GetString(), StringComparison.Ordinal);
        Assert.False(truth.RootElement.GetProperty("tracemalloc").GetBoolean());
        var memory = Assert.Single(result.Processes).Memory;
        Assert.Null(memory.Problem);
        var info = memory.Info ?? throw new Xunit.Sdk.XunitException("no memory figures");
        Assert.True(info.Native);
        Assert.Equal(SampleBytes, info.SampleBytes);

        var (bytes, count) = Innermost(memory.Stacks[MemoryStackKind.Leaked], "keep_small");
        AssertNear(truth.RootElement.GetProperty("kept_bytes").GetInt64(), bytes, "estimated bytes live at exit from keep_small");
        AssertNear(truth.RootElement.GetProperty("kept_count").GetInt64(), count, "estimated allocations live at exit from keep_small");
        // Everything keep_small kept was allocated there; the churn it called allocated and freed far more.
        var (allocated, _) = Innermost(memory.Stacks[MemoryStackKind.Allocated], "keep_small");
        Assert.True(allocated >= bytes, $"keep_small allocated {allocated} bytes but kept {bytes}");
        // (Before 3.12 churn's list comprehension is a function of its own, so churn is not always innermost.)
        var churned = memory.Stacks[MemoryStackKind.Allocated].Stacks.Where(s => s.Sites.Any(site => site.Function == "churn")).Sum(s => s.Bytes);
        Assert.True(churned > bytes, $"churn allocated {churned} bytes, less than the {bytes} kept");
        Assert.NotEmpty(memory.Timeline);
    }

    [Fact]
    public void WithoutAShimTheAgentMeasuresWithTracemallocAndSaysWhy()
    {
        var python = PythonInstalls.All.FirstOrDefault() ?? throw new InvalidOperationException("no CPython found");
        using var scratch = new Scratch();
        var agent = AgentFiles.Extract(scratch.File("cache"));
        foreach (var shim in Directory.GetFiles(Path.Combine(agent, "native"), "*.so")) File.Delete(shim);
        var truthPath = scratch.File("truth.json");
        var options = new AgentOptions { Mode = AgentMode.Memory, SampleBytes = SampleBytes };
        using var session = TraceSession.Start([python.Path!, Fixtures.Path("mem_threads.py"), truthPath, "1000"], options, agent);
        Assert.True(session.WaitForExit(new CancellationTokenSource(Traces.Timeout).Token));
        var result = session.Finish(TimeSpan.FromSeconds(5));

        Assert.Equal(0, result.ExitCode);
        using var truth = JsonDocument.Parse(File.ReadAllText(truthPath));
        Assert.Equal("", truth.RootElement.GetProperty("shim").GetString());
        Assert.True(truth.RootElement.GetProperty("tracemalloc").GetBoolean());
        var memory = Assert.Single(result.Processes).Memory;
        Assert.False(memory.Unavailable);
        Assert.Contains($"no native allocator hook was built for Python {python.Version}", memory.Problem, StringComparison.Ordinal);
        Assert.Contains("measuring with tracemalloc", memory.Problem, StringComparison.Ordinal);
        Assert.False(memory.Info!.Native);
        // tracemalloc counts every block: the bytes objects, plus a few (the lists' item arrays, an int or two).
        var (bytes, count) = Innermost(memory.Stacks[MemoryStackKind.Leaked], "keep_small");
        AssertNear(truth.RootElement.GetProperty("kept_bytes").GetInt64(), bytes, "bytes live at exit from keep_small");
        var kept = truth.RootElement.GetProperty("kept_count").GetInt64();
        Assert.InRange(count, kept, kept + kept / 100);
    }

    private static (long Bytes, long Count) Innermost(MemoryStackSet stacks, string function)
    {
        var mine = stacks.Stacks.Where(s => s.Sites.Count > 0 && s.Sites[^1].Function == function).ToList();
        return (mine.Sum(s => s.Bytes), mine.Sum(s => s.Count));
    }

    private static void AssertNear(long expected, long actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= expected * Tolerance, $"{what}: {actual}, expected {expected} within {Tolerance:P0}");
}
