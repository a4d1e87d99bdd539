using System.Text.Json;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Recording;

/// <summary>
/// `record --subprocesses` follows CPython children and grandchildren: each one's stacks sit under its own
/// <c>process PID (COMMAND)</c> root, with the CPU the fixture measured in each process; a child that looks like
/// Python but can't be read is one warning line, not a failure.
/// </summary>
public sealed class SubprocessesTests
{
    private const double TolerancePoints = 10.0;

    [Theory, InlineData("3.8"), InlineData("3.12"), InlineData("debian-3.11")]
    public void PoolWorkersAppearUnderTheirProcessRootsInTheirMeasuredShares(string python)
    {
        var py = PythonInstalls.Require(python);
        using var temp = new TempDirectory();
        var truthPath = temp.File("truth.json");
        var stacks = RecordCpu(temp, [py.Path!, Repository.Fixture("pool_workers.py"), truthPath], out var result);
        Assert.True(result.ExitCode == 0, result.ToString());

        using var truth = JsonDocument.Parse(File.ReadAllText(truthPath));
        var parent = truth.RootElement.GetProperty("parent").GetInt32();
        var workers = truth.RootElement.GetProperty("workers").EnumerateObject().ToDictionary(p => int.Parse(p.Name), p => p.Value.GetDouble());
        Assert.All(stacks.Stacks, s => Assert.StartsWith("process ", s.Frames[0]));
        var roots = stacks.Stacks.Select(s => ProcessIdOf(s.Frames[0])).ToHashSet();
        Assert.Subset(workers.Keys.Append(parent).ToHashSet(), roots);

        var sampledTotal = workers.Keys.Sum(pid => OwnUnder(stacks, pid, "pool_hot"));
        Assert.True(sampledTotal > 1_000_000_000, $"too little CPU sampled in the workers: {sampledTotal} ns\n{result}");
        foreach (var (pid, cpu) in workers)
        {
            var expected = 100 * cpu / workers.Values.Sum();
            var actual = 100.0 * OwnUnder(stacks, pid, "pool_hot") / sampledTotal;
            Assert.True(Math.Abs(expected - actual) <= TolerancePoints, $"worker {pid}: {actual:F1}% of pool_hot sampled, measured {expected:F1}%\n{result}");
        }
        Assert.Equal(0, OwnUnder(stacks, parent, "pool_hot"));
    }

    [Theory, InlineData("3.9"), InlineData("3.13")]
    public void ChildrenAndGrandchildrenStartedWithSubprocessAreFollowed(string python)
    {
        var py = PythonInstalls.Require(python);
        using var temp = new TempDirectory();
        // Named like Python but isn't: the one child Sonde must warn about, once, and go on without.
        var stub = temp.File("python-stub");
        File.Copy("/bin/sleep", stub);
        var stacks = RecordCpu(temp, [py.Path!, Repository.Fixture("subprocess_tree.py"), temp.Path, stub, "4"], out var result);
        Assert.True(result.ExitCode == 0, result.ToString());

        var warnings = result.StdErr.Split('\n').Where(l => l.StartsWith("sonde: warning:", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("python-stub", warning);
        Assert.Contains("can't be read", warning);

        foreach (var (role, function) in new[] { ("child", "child_hot"), ("grandchild", "grandchild_hot") })
        {
            using var truth = JsonDocument.Parse(File.ReadAllText(temp.File(role + ".json")));
            var pid = truth.RootElement.GetProperty("pid").GetInt32();
            var cpuNs = truth.RootElement.GetProperty("cpu").GetDouble() * 1e9;
            var underOwnRoot = stacks.Stacks.Where(s => s.Frames.Any(f => FoldedStacks.FunctionOf(f) == function)).ToList();
            Assert.NotEmpty(underOwnRoot);
            Assert.All(underOwnRoot, s => Assert.Equal(pid, ProcessIdOf(s.Frames[0])));
            var sampled = underOwnRoot.Sum(s => s.Count);
            Assert.True(Math.Abs(sampled - cpuNs) <= 0.25 * cpuNs, $"{function}: {sampled / 1e9:F2} s of CPU sampled, measured {cpuNs / 1e9:F2} s\n{result}");
        }
    }

    [Fact]
    public void WithThreadsEachThreadSitsInsideItsProcess()
    {
        var py = PythonInstalls.Require("3.12");
        using var temp = new TempDirectory();
        var folded = temp.File("out.folded");
        var result = SondeCli.Run(["record", "--subprocesses", "--threads", "-o", folded, "--", py.Path!, Repository.Fixture("subprocess_tree.py"), temp.Path]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var stacks = FoldedStacks.Load(folded);
        Assert.NotEmpty(stacks.Stacks);
        Assert.All(stacks.Stacks, s => Assert.StartsWith("process ", s.Frames[0]));
        Assert.All(stacks.Stacks, s => Assert.StartsWith("thread ", s.Frames[1]));
        using var child = JsonDocument.Parse(File.ReadAllText(temp.File("child.json")));
        var childPid = child.RootElement.GetProperty("pid").GetInt32();
        Assert.Contains(stacks.Stacks, s => ProcessIdOf(s.Frames[0]) == childPid && s.Frames[1].EndsWith($"({childPid})", StringComparison.Ordinal)
            && s.Frames.Any(f => FoldedStacks.FunctionOf(f) == "child_hot"));
    }

    [Fact]
    public void TopFollowsPoolWorkersToo()
    {
        var py = PythonInstalls.Require("3.11");
        using var temp = new TempDirectory();
        var truthPath = temp.File("truth.json");
        var result = SondeCli.Run(["top", "--subprocesses", "--sort", "total-time", "--", py.Path!, Repository.Fixture("pool_workers.py"), truthPath]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var truth = JsonDocument.Parse(File.ReadAllText(truthPath));
        var last = Top.TopText.Rows(Top.TopText.Blocks(result.StdOut)[^1]);
        Assert.Contains(last, r => r.Function == "pool_hot");
        foreach (var worker in truth.RootElement.GetProperty("workers").EnumerateObject())
            Assert.Contains(last, r => r.Rest.StartsWith($"process {worker.Name} (", StringComparison.Ordinal) && r.TotalSeconds > 0);
        Assert.Contains(Top.TopText.Blocks(result.StdOut), b => b.Any(l => l.Contains(" processes")));
    }

    private static FoldedStacks RecordCpu(TempDirectory temp, string[] command, out CommandResult result)
    {
        var recording = temp.File("out.sonde");
        var folded = temp.File("out.folded");
        result = SondeCli.Run(["record", "--subprocesses", "-o", recording, "--", .. command]);
        var convert = SondeCli.Run("convert", recording, "-o", folded, "--weight", "cpu");
        Assert.True(convert.ExitCode == 0, convert.ToString());
        return FoldedStacks.Load(folded);
    }

    private static long OwnUnder(FoldedStacks stacks, int pid, string function) =>
        stacks.Stacks.Where(s => ProcessIdOf(s.Frames[0]) == pid && FoldedStacks.FunctionOf(s.Frames[^1]) == function).Sum(s => s.Count);

    private static int ProcessIdOf(string rootFrame) => int.Parse(rootFrame.Split(' ')[1]);
}
