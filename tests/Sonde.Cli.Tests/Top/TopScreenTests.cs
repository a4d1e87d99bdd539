using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Top;

/// <summary>
/// The full-screen `top` in a real terminal (tmux): the header and table, every key, a terminal too small, and a
/// target that exits. The fixture's hot functions are known: hot_a gets three times hot_b's CPU.
/// </summary>
public sealed class TopScreenTests
{
    [Theory, InlineData("3.8"), InlineData("3.13")]
    public void KeysSortToggleAndPauseTheLiveView(string python)
    {
        var py = PythonInstalls.Require(python);
        using var target = PythonProcess.Start(py.Path!, Repository.Fixture("top_target.py"), ["0"]);
        using var tmux = new TmuxSession(TmuxSession.Sonde("top", "-p", target.Pid.ToString()) + "; echo SONDE-EXIT=$?; sleep 600", 140, 40);

        var screen = tmux.WaitFor(s => s.Contains("hot_a ("), "the first table");
        Assert.Contains($"sonde top: pid {target.Pid} (", screen);
        Assert.Matches(@"CPU [\d.]+%  RSS [\d.]+ MiB  threads \d+ active, \d+ idle  GIL [\d.]+%  [\d.]+ samples/s  errors \d+", screen);
        Assert.Contains("*OWN%", screen);
        Assert.Contains("keys: 1-4 sort column", screen);
        Assert.DoesNotContain("lock_waiter", screen);

        // Own time accumulates, so sorted by it hot_a (3/4 of the CPU) ends up first once a cycle has run.
        tmux.Type("3");
        // hot_a leads by own % too, so wait for the header to show the new sort before reading the order.
        screen = tmux.WaitFor(s => s.Contains("*OWN TIME") && FirstRow(s)?.Function == "hot_a" && s.Contains("hot_b ("), "hot_a first by own time");
        var rows = TopText.Rows(screen.Split('\n'));
        Assert.True(rows.Single(r => r.Function == "hot_a").OwnSeconds > rows.Single(r => r.Function == "hot_b").OwnSeconds, screen);
        Assert.True(rows[0].OwnSeconds >= rows[1].OwnSeconds, screen);

        tmux.Type("4");
        screen = tmux.WaitFor(s => s.Contains("*TOTAL TIME"), "sort by total time");
        rows = TopText.Rows(screen.Split('\n'));
        Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First.TotalSeconds >= p.Second.TotalSeconds), screen);

        tmux.Type("i");
        screen = tmux.WaitFor(s => s.Contains("lock_waiter (") && s.Contains("sleeper (") && s.Contains("selector ("), "idle threads shown");
        Assert.Contains("idle threads shown", screen);

        tmux.Type("t");
        screen = tmux.WaitFor(s => s.Contains("THREAD") && s.Contains("thread lock-waiter ("), "per-thread rows");
        Assert.Contains("thread MainThread (", screen);

        tmux.Type("p");
        screen = tmux.WaitFor(s => s.Contains("[PAUSED]"), "pause");
        var frozen = ElapsedOf(screen);
        Thread.Sleep(2500);
        Assert.Equal(frozen, ElapsedOf(tmux.Capture()));
        tmux.Type("p");
        tmux.WaitFor(s => !s.Contains("[PAUSED]") && ElapsedOf(s) != frozen, "resume");

        tmux.Resize(40, 6);
        screen = tmux.WaitFor(s => s.Contains("terminal too small"), "the too-small line");
        Assert.Single(screen.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        tmux.Resize(140, 40);
        tmux.WaitFor(s => s.Contains("sonde top: pid"), "the view back at full size");

        target.Process.Kill();
        screen = tmux.WaitFor(s => s.Contains("SONDE-EXIT="), "top to end when the target exits");
        Assert.Contains($"sonde: process {target.Pid} exited; top stopped after ", screen);
        Assert.Contains("SONDE-EXIT=0", screen);
        Assert.DoesNotContain("hot_a (", screen);
    }

    [Fact]
    public void QuitEndsTopAndTheCommandItStarted()
    {
        var py = PythonInstalls.Require("3.12");
        using var temp = new TempDirectory();
        using var tmux = new TmuxSession(TmuxSession.Sonde("top", "--", py.Path!, Repository.Fixture("top_target.py"), "0") + "; echo SONDE-EXIT=$?; sleep 600", 120, 30);
        var screen = tmux.WaitFor(s => s.Contains("hot_a (") || s.Contains("hot_b ("), "the first table");
        var pid = int.Parse(System.Text.RegularExpressions.Regex.Match(screen, @"sonde top: pid (\d+)").Groups[1].Value);
        tmux.Type("q");
        screen = tmux.WaitFor(s => s.Contains("SONDE-EXIT="), "top to quit");
        Assert.Contains("SONDE-EXIT=0", screen);
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z "), $"the command top started still runs\n{screen}");
    }

    private static TopText.Row? FirstRow(string screen) => TopText.Rows(screen.Split('\n')).FirstOrDefault();

    private static string ElapsedOf(string screen) =>
        System.Text.RegularExpressions.Regex.Match(screen, @"([\d.]+)s elapsed").Groups[1].Value;
}
