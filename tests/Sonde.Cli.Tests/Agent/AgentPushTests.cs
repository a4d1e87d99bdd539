using System.Globalization;
using System.Text.RegularExpressions;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Agent;

/// <summary>
/// `sonde agent` pushing to a real HTTP receiver on loopback, which decodes every window with Sonde's pprof reader.
/// The fixture spends its time in hot_loop(), so that is what every window must show.
/// </summary>
public sealed partial class AgentPushTests : IDisposable
{
    private const string HotFunction = "hot_loop";
    private readonly TempDirectory _directory = new();

    public static TheoryData<string> Pythons => new() { "3.9", "3.12" };

    public void Dispose() => _directory.Dispose();

    private static PythonProcess BusyTarget(string label, double seconds = 120, string? tag = null)
    {
        var python = PythonInstalls.Require(label).Path!;
        // -X TAG is an option Python ignores: it only makes the command line findable with --match.
        return tag is null
            ? PythonProcess.Start(python, Repository.Fixture("agent_target.py"), [seconds.ToString(CultureInfo.InvariantCulture)])
            : PythonProcess.Start(python, "-X", [tag, Repository.Fixture("agent_target.py"), seconds.ToString(CultureInfo.InvariantCulture)]);
    }

    /// <summary>The window count from the agent's last line, "agent stopped: N windows, N pushed".</summary>
    private static (int Windows, int Pushed) Summary(string stderr)
    {
        var match = SummaryPattern().Match(stderr);
        Assert.True(match.Success, stderr);
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"agent stopped: (\d+) windows, (\d+) pushed")]
    private static partial Regex SummaryPattern();

    [Theory, MemberData(nameof(Pythons))]
    public void Every_window_arrives_as_pprof_with_the_hot_function_name_labels_and_span(string label)
    {
        using var target = BusyTarget(label);
        using var receiver = new IngestReceiver().Start();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var agent = new AgentProcess(_directory.Path, "-p", target.Pid.ToString(CultureInfo.InvariantCulture), "--every", "1s",
            "--push", receiver.Url, "--name", "shop.api", "--label", "env=ci", "--label", "zone=eu_1", "--spool", _directory.File("spool"));
        receiver.WaitForWindows(3);
        Assert.Equal(0, agent.Stop(2));
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var windows = receiver.Windows;
        Assert.Equal(Summary(agent.StdErr), (windows.Count, windows.Count));
        foreach (var window in windows)
        {
            Assert.Equal(("POST", "/ingest", "application/octet-stream"), (window.Method, window.Path, window.ContentType));
            Assert.Equal("shop.api{env=ci,zone=eu_1}", window.Name);
            Assert.Equal("pprof", window.Format);
            Assert.InRange(window.From, before, after);
            Assert.InRange(window.Until, window.From + 1, after + 1);
            Assert.Equal(target.Pid, window.Profile.Metadata.ProcessId);
        }
        // The last window, cut short by Ctrl-C, may hold only a few samples; the full ones are all hot_loop.
        foreach (var window in windows.SkipLast(1))
            Assert.True(window.ShareWith(HotFunction) > 0.9, $"{HotFunction} in {window.ShareWith(HotFunction):P0} of {window.Profile.SampleCount} samples");
        for (var i = 1; i < windows.Count; i++) Assert.True(windows[i].From >= windows[i - 1].Until, "windows overlap or came out of order");
    }

    [Fact]
    public void Windows_wait_in_the_spool_while_the_endpoint_is_down_and_all_arrive_in_order()
    {
        using var target = BusyTarget("3.12");
        using var receiver = new IngestReceiver();
        using var agent = new AgentProcess(_directory.Path, "-p", target.Pid.ToString(CultureInfo.InvariantCulture), "--every", "1s",
            "--push", receiver.Url, "--name", "spooled", "--spool", _directory.File("spool"));
        // Nothing listens yet: the first windows can only go to the spool.
        agent.WaitForLine("keeping windows in the spool");
        Thread.Sleep(2000);
        receiver.Refuse = true;
        receiver.Start();
        while (receiver.RefusedCount < 2) Thread.Sleep(100);
        receiver.Refuse = false;
        agent.WaitForLine("again");
        receiver.WaitForWindows(receiver.Windows.Count + 2);
        Assert.Equal(0, agent.Stop());

        var windows = receiver.Windows;
        var (made, pushed) = Summary(agent.StdErr);
        Assert.Equal(made, pushed);
        Assert.Equal(made, windows.Count);
        // Spooled and new windows alike arrive in the order they were recorded, none twice and none skipped.
        for (var i = 1; i < windows.Count; i++) Assert.True(windows[i].From >= windows[i - 1].Until, $"window {i} is out of order");
        Assert.Empty(Directory.GetFiles(_directory.File("spool"), "*.window"));
        Assert.All(windows.SkipLast(1), w => Assert.True(w.ShareWith(HotFunction) > 0.9));
    }

    [Fact]
    public void Match_waits_for_a_target_follows_it_and_drops_it_when_it_exits()
    {
        var tag = $"sonde_agent_test_{Guid.NewGuid():N}";
        using var receiver = new IngestReceiver().Start();
        using var agent = new AgentProcess(_directory.Path, "--match", Regex.Escape(tag), "--every", "1s", "--push", receiver.Url,
            "--name", "matched", "--spool", _directory.File("spool"));
        agent.WaitForLine("waiting for one");
        Thread.Sleep(1500);
        Assert.Empty(receiver.Windows);

        int pid;
        using (var target = BusyTarget("3.11", seconds: 4, tag: tag))
        {
            pid = target.Pid;
            agent.WaitForLine($"attached to process {pid}");
            target.Process.WaitForExit();
        }
        agent.WaitForLine($"process {pid} exited");
        agent.WaitForLine("waiting for one", occurrences: 2);
        Assert.Equal(0, agent.Stop());

        var windows = receiver.Windows;
        Assert.NotEmpty(windows);
        Assert.Equal(Summary(agent.StdErr).Windows, windows.Count);
        Assert.All(windows, w => Assert.Equal(pid, w.Profile.Metadata.ProcessId));
        Assert.Contains(windows, w => w.ShareWith(HotFunction) > 0.9);
    }
}
