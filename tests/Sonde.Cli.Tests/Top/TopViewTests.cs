using Sonde.Cli.Top;

namespace Sonde.Cli.Tests.Top;

/// <summary>The view's arithmetic and layout on a window built by hand: sums, toggles, sorting, fitting the screen.</summary>
public sealed class TopViewTests
{
    // Functions 0 main, 1 hot, 2 wait; thread 0 runs main>hot, thread 1 waits in main>wait.
    private static TopWindow Window() => new(
        [
            new TopEntry(0, 0, true) { WindowOwn = 0, WindowTotal = 30, OwnNs = 0, TotalNs = 3_000_000_000 },
            new TopEntry(0, 1, true) { WindowOwn = 30, WindowTotal = 30, OwnNs = 3_000_000_000, TotalNs = 3_000_000_000 },
            new TopEntry(1, 0, false) { WindowOwn = 0, WindowTotal = 10, OwnNs = 0, TotalNs = 5_000_000_000 },
            new TopEntry(1, 2, false) { WindowOwn = 10, WindowTotal = 10, OwnNs = 5_000_000_000, TotalNs = 5_000_000_000 },
        ],
        ["main (a.py:1)", "hot (a.py:5)", "wait\u001b[2J (a.py:9)"],
        ["thread MainThread (10)", "thread waiter (11)"],
        ["running", "futex"],
        1, 1, 25);

    [Fact]
    public void RunningThreadsOnlyByDefaultAndIdleAddsUp()
    {
        var view = new TopView();
        var rows = view.Rows(Window());
        Assert.Equal(["hot (a.py:5)", "main (a.py:1)"], rows.Select(r => r.Function));
        view.HandleKey('i');
        rows = view.Rows(Window());
        var main = rows.Single(r => r.Function == "main (a.py:1)");
        Assert.Equal(40, main.WindowTotal);
        Assert.Equal(8_000_000_000, main.TotalNs);
        Assert.Contains(rows, r => r.Function == "wait\\x1b[2J (a.py:9)");
    }

    [Fact]
    public void SortKeysPickTheColumn()
    {
        var view = new TopView { ShowIdle = true };
        Assert.Equal("hot (a.py:5)", view.Rows(Window())[0].Function);
        view.HandleKey('3');
        Assert.Equal(TopSort.OwnTime, view.Sort);
        Assert.StartsWith("wait", view.Rows(Window())[0].Function);
        view.HandleKey('4');
        Assert.Equal("main (a.py:1)", view.Rows(Window())[0].Function);
        view.HandleKey('s');
        Assert.Equal(TopSort.OwnPercent, view.Sort);
    }

    [Fact]
    public void PerThreadRowsCarryTheThreadAndItsState()
    {
        var view = new TopView { ShowIdle = true, PerThread = true };
        var rows = view.Rows(Window());
        Assert.Equal(4, rows.Count);
        Assert.Contains(rows, r => r.Thread == "thread waiter (11)" && r.State == "futex" && r.Function.StartsWith("wait"));
        var header = new TopHeader("pid 10 (x)", TimeSpan.FromSeconds(3), 50, 1 << 20, 1, 1, 25, 100, 0, 1);
        var lines = view.RenderScreen(header, Window(), 100, 12);
        Assert.Contains(lines, l => l.Contains("THREAD") && l.Contains("STATE"));
        Assert.Contains(lines, l => l.Contains("thread waiter (11)") && l.Contains("futex"));
    }

    [Theory, InlineData(60, 10), InlineData(80, 24), InlineData(200, 50)]
    public void TheScreenIsExactlyTheTerminalsSize(int width, int height)
    {
        var view = new TopView { ShowIdle = true };
        var header = new TopHeader(new string('x', 300), TimeSpan.FromSeconds(3), null, null, 1, 1, null, 100, 2, 1);
        var lines = view.RenderScreen(header, Window(), width, height);
        Assert.Equal(height, lines.Count);
        Assert.All(lines, l => Assert.True(l.Length <= width, l));
        Assert.StartsWith("keys:", lines[^1]);
        Assert.DoesNotContain(lines, l => l.Contains('\u001b'));
    }

    [Fact]
    public void FitNeverSplitsASurrogatePair()
    {
        Assert.Equal("ab", TopView.Fit("ab\U0001F600", 3));
        Assert.Equal("ab\U0001F600", TopView.Fit("ab\U0001F600", 4));
    }
}
