using System.Diagnostics;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Recording;

/// <summary>Nothing is lost: a target that exits, or a SIGTERM to Sonde, still yields a written profile.</summary>
public sealed class LifecycleTests
{
    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void TargetExitingMidRecordingStillYieldsAProfile(string python)
    {
        var py = PythonInstalls.Require(python);
        using var temp = new TempDirectory();
        using var target = PythonProcess.Start(py.Path!, Repository.Fixture("idle_thread.py"), ["4"]);
        var folded = temp.File("attach.folded");
        var result = SondeCli.Run("record", "-p", target.Pid.ToString(), "-d", "60", "-o", folded);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(FoldedStacks.Load(folded).Inclusive("busy_main") > 20, result.ToString());
        Assert.Contains("wrote", result.StdErr);
    }

    [Fact]
    public void LaunchModePassesTheTargetsExitCodeThrough()
    {
        var py = PythonInstalls.All.FirstOrDefault(p => p.Path is not null) ?? throw new InvalidOperationException("no CPython found");
        using var temp = new TempDirectory();
        var result = SondeCli.Run("record", "-o", temp.File("x.folded"), "--", py.Path!, "-c", "import sys; print('hello from target'); sys.exit(7)");
        Assert.Equal(7, result.ExitCode);
        Assert.Contains("hello from target", result.StdOut);
        Assert.True(File.Exists(temp.File("x.folded")));
    }

    [Fact]
    public void SigtermDuringALaunchStillWritesTheProfile()
    {
        var py = PythonInstalls.All.FirstOrDefault(p => p.Path is not null) ?? throw new InvalidOperationException("no CPython found");
        using var temp = new TempDirectory();
        var folded = temp.File("term.folded");
        using var sonde = Process.Start(SondeCli.StartInfo(["record", "-o", folded, "--", py.Path!, Repository.Fixture("idle_thread.py"), "30"]))!;
        Thread.Sleep(2500);
        Assert.False(sonde.HasExited, "sonde ended before it was signalled");
        Process.Start("kill", ["-TERM", sonde.Id.ToString()])!.WaitForExit();
        var result = SondeCli.Finish(sonde, TimeSpan.FromSeconds(30));

        Assert.True(File.Exists(folded), result.ToString());
        Assert.True(FoldedStacks.Load(folded).Inclusive("busy_main") > 20, result.ToString());
    }
}
