using System.Text.Json;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Top;

/// <summary>
/// `top` with stdout not a terminal prints a block of plain text every second. The own times it reports for the
/// fixture's two hot functions split as the fixture measured its own CPU time, and idle threads stay out unless asked.
/// </summary>
public sealed class TopTextModeTests
{
    private const double TolerancePoints = 10.0;

    public static TheoryData<string> Pythons => PythonInstalls.Labels;

    [Theory, MemberData(nameof(Pythons))]
    public void TextBlocksShowTheHotFunctionsInTheirMeasuredShares(string python)
    {
        var py = PythonInstalls.Require(python);
        using var temp = new TempDirectory();
        var truthPath = temp.File("truth.json");
        var result = SondeCli.Run(["top", "--sort", "total-time", "--", py.Path!, Repository.Fixture("top_target.py"), "3", truthPath]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("the command exited with code 0", result.StdErr);

        var blocks = TopText.Blocks(result.StdOut);
        Assert.True(blocks.Count >= 2, $"expected a block per second\n{result}");
        Assert.All(blocks, b => Assert.Contains(b, l => l.StartsWith("CPU ", StringComparison.Ordinal) && l.Contains("RSS") && l.Contains("GIL") && l.Contains("samples/s")));
        Assert.Contains(blocks, b => b.Any(l => l.Contains("threads 1 active, 3 idle")));

        // Times accumulate from the start, so the last block holds the whole run; sorted by total time, the callers
        // (work) come before the start-up's imports.
        var rows = TopText.Rows(blocks[^1]);
        var truth = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(truthPath))!;
        var a = Assert.Single(rows, r => r.Function == "hot_a");
        var b = Assert.Single(rows, r => r.Function == "hot_b");
        var work = Assert.Single(rows, r => r.Function == "work");
        Assert.True(a.OwnSeconds + b.OwnSeconds > 0.4, $"too little sampled\n{result}");
        var expected = 100 * truth["hot_a"] / (truth["hot_a"] + truth["hot_b"]);
        var actual = 100 * a.OwnSeconds / (a.OwnSeconds + b.OwnSeconds);
        Assert.True(Math.Abs(expected - actual) <= TolerancePoints, $"hot_a {actual:F1}% of hot time, measured {expected:F1}%\n{result}");
        Assert.True(work.TotalSeconds >= a.OwnSeconds + b.OwnSeconds - 0.02, $"work's total must hold its callees\n{result}");
        Assert.DoesNotContain(rows, r => r.Function is "lock_waiter" or "sleeper" or "selector");
    }

    [Fact]
    public void IdleAndPerThreadShowWaitingThreadsByName()
    {
        var py = PythonInstalls.Require("3.12");
        var result = SondeCli.Run(["top", "--idle", "--threads", "--", py.Path!, Repository.Fixture("top_target.py"), "2"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = TopText.Blocks(result.StdOut).SelectMany(TopText.Rows).ToList();
        // Each waiting thread's row says the system call it waits in (time.sleep is clock_nanosleep from 3.11).
        foreach (var (thread, function, state) in new[] { ("lock-waiter", "lock_waiter", "futex"), ("sleeper", "sleeper", "clock_nanosleep"), ("selector", "selector", "pselect6") })
            Assert.Contains(rows, r => r.Rest.StartsWith($"thread {thread} (", StringComparison.Ordinal) && r.Function == function && r.Rest.Contains($"  {state}  "));
        Assert.Contains(rows, r => r.Rest.StartsWith("thread MainThread (", StringComparison.Ordinal) && r.Function == "hot_a" && r.Rest.Contains("  running  "));
    }

    [Fact]
    public void AttachedProcessThatExitsEndsTopWithOneLine()
    {
        var py = PythonInstalls.Require("3.11");
        using var target = PythonProcess.Start(py.Path!, Repository.Fixture("top_target.py"), ["2"]);
        var result = SondeCli.Run("top", "-p", target.Pid.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"sonde: process {target.Pid} exited; top stopped after ", line);
        Assert.NotEmpty(TopText.Blocks(result.StdOut));
    }

    [Fact]
    public void HostileFunctionNamesAreEscaped()
    {
        var py = PythonInstalls.Require("3.12");
        var result = SondeCli.Run(["top", "--", py.Path!, Repository.Fixture("hostile_names.py"), "2"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\\x1b[31m;evil", result.StdOut);
        Assert.DoesNotContain('\u001b', result.StdOut);
    }

    [Fact]
    public void MissingProcessIsOneLineAndExitCode3()
    {
        var result = SondeCli.Run("top", "-p", "999999999");
        Assert.Equal(3, result.ExitCode);
        Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(result.StdOut);
    }
}
