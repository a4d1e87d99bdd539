using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Recording;

/// <summary>What the sampler reads from the stacks: idle threads, deep recursion, generators and coroutines.</summary>
public sealed class StackShapeTests
{
    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void IdleThreadAppearsOnlyWithIdle(string python)
    {
        var py = PythonInstalls.Require(python);
        using var temp = new TempDirectory();
        var withoutIdle = Attach(temp, "plain.folded", [], py.Path!);
        var withIdle = Attach(temp, "idle.folded", ["--idle"], py.Path!);

        Assert.True(withoutIdle.Inclusive("busy_main") > 50, "the busy thread was not sampled");
        Assert.Equal(0, withoutIdle.Inclusive("idle_waiter"));
        Assert.True(withIdle.Inclusive("idle_waiter") > 50, "--idle did not sample the waiting thread");
    }

    private static FoldedStacks Attach(TempDirectory temp, string output, string[] options, string python)
    {
        using var target = PythonProcess.Start(python, Repository.Fixture("idle_thread.py"), ["30"]);
        var path = temp.File(output);
        var result = SondeCli.Run(["record", "-p", target.Pid.ToString(), "-d", "1.5", "-o", path, .. options]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return FoldedStacks.Load(path);
    }

    /// <summary>
    /// With --gil only the GIL's holder is sampled: a thread that runs, but hashes with the GIL let go, is left out,
    /// while without --gil it is sampled as the running thread it is. From 3.13 the holder comes from each thread
    /// state's own flag rather than from the GIL's state.
    /// </summary>
    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void OnlyTheGilHolderIsSampledWithGil(string python)
    {
        var py = PythonInstalls.Require(python);
        using var temp = new TempDirectory();
        var (all, hasherCpuShare) = RecordGilFixture(temp, "all.folded", [], py.Path!);
        var (holders, _) = RecordGilFixture(temp, "gil.folded", ["--gil"], py.Path!);

        // The hashing thread must have run for a good part of the recording, or leaving it out proves nothing.
        Assert.True(hasherCpuShare > 0.15, $"the hashing thread used only {hasherCpuShare:P0} of a CPU");
        Assert.True(all.Inclusive("hash_outside_gil") > all.Total * 0.1, $"without --gil the running hashing thread was hardly sampled: {all.Inclusive("hash_outside_gil")} of {all.Total}");
        Assert.True(holders.Inclusive("spin") > holders.Total * 0.9, $"with --gil the spinning thread, which holds the GIL, had {holders.Inclusive("spin")} of {holders.Total}");
        Assert.True(holders.Inclusive("hash_outside_gil") < holders.Total * 0.03, $"with --gil the hashing thread, which runs without the GIL, had {holders.Inclusive("hash_outside_gil")} of {holders.Total}");
    }

    private static (FoldedStacks Stacks, double HasherCpuShare) RecordGilFixture(TempDirectory temp, string output, string[] options, string python)
    {
        var path = temp.File(output);
        var result = SondeCli.Run(["record", "-o", path, .. options, "--", python, Repository.Fixture("gil_holder.py"), "2"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var share = result.StdOut.Split('\n').Single(line => line.StartsWith("hasher cpu share ", StringComparison.Ordinal));
        return (FoldedStacks.Load(path), double.Parse(share["hasher cpu share ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void RecursionFiveHundredDeepIsReportedInFull(string python)
    {
        var py = PythonInstalls.Require(python);
        using var temp = new TempDirectory();
        var stacks = Record(temp, "deep.folded", [], py.Path!, "deep_recursion.py", "500", "1.5");
        var deepest = stacks.Stacks.Where(s => FoldedStacks.FunctionOf(s.Frames[^1]) == "bottom").ToList();
        Assert.NotEmpty(deepest);
        foreach (var (frames, _) in deepest)
        {
            Assert.Equal(500, frames.Count(f => FoldedStacks.FunctionOf(f) == "recurse"));
            Assert.Equal("<module>", FoldedStacks.FunctionOf(frames[0]));
        }
    }

    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void GeneratorAndCoroutineFramesSitUnderTheirCallers(string python)
    {
        var py = PythonInstalls.Require(python);
        using var temp = new TempDirectory();
        var stacks = Record(temp, "gen.folded", [], py.Path!, "generators_async.py", "1.5");

        var generator = stacks.Stacks.Where(s => FoldedStacks.FunctionOf(s.Frames[^1]) == "produce").ToList();
        Assert.NotEmpty(generator);
        Assert.All(generator, s => Assert.Equal("consume_generator", FoldedStacks.FunctionOf(s.Frames[^2])));

        var coroutine = stacks.Stacks.Where(s => FoldedStacks.FunctionOf(s.Frames[^1]) == "async_burn").ToList();
        Assert.NotEmpty(coroutine);
        Assert.All(coroutine, s => Assert.Equal("async_main", FoldedStacks.FunctionOf(s.Frames[^2])));
    }

    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void NonAsciiNamesAndPathsSurvive(string python)
    {
        var py = PythonInstalls.Require(python);
        using var temp = new TempDirectory("sonde-données-测试-" + Guid.NewGuid().ToString("N")[..6]);
        var script = temp.File("naïve_名前.py");
        File.WriteAllText(script, """
            import time
            def 计算_çà(seconds):
                end = time.time() + seconds
                x = 0
                while time.time() < end:
                    x += sum(range(1000))
                return x
            计算_çà(1.5)
            """);
        var folded = temp.File("out.folded");
        var result = SondeCli.Run("record", "-o", folded, "--", py.Path!, script);
        Assert.True(result.ExitCode == 0, result.ToString());
        var stacks = FoldedStacks.Load(folded);
        Assert.Contains(stacks.Stacks, s => s.Frames[^1] == $"计算_çà ({script}:2)");
    }

    internal static FoldedStacks Record(TempDirectory temp, string output, string[] options, string python, string fixture, params string[] args)
    {
        var path = temp.File(output);
        var result = SondeCli.Run(["record", "-o", path, .. options, "--", python, Repository.Fixture(fixture), .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return FoldedStacks.Load(path);
    }
}
