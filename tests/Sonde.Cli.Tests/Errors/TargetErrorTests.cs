using System.Diagnostics;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Errors;

/// <summary>Each way a target can't be read gets one line saying what to do, exit code 3, and no stack trace.</summary>
public sealed class TargetErrorTests
{
    [Theory]
    [InlineData("dump")]
    [InlineData("record")]
    public void MissingPid(string verb)
    {
        var result = SondeCli.Run(verb, "-p", "999999");
        AssertOneLineError(result, 3, "999999");
    }

    [Fact]
    public void ProcessThatIsNotPython()
    {
        using var sleep = Process.Start("sleep", "30");
        try
        {
            var result = SondeCli.Run("dump", "-p", sleep.Id.ToString());
            AssertOneLineError(result, 3, "not a CPython process");
            Assert.Contains("sleep", result.StdErr);
        }
        finally { sleep.Kill(); }
    }

    [Theory]
    [InlineData("2.7")]
    [InlineData("3.7")]
    [InlineData("3.6")]
    public void UnsupportedPythonVersion(string version)
    {
        var pyenv = Environment.GetEnvironmentVariable("PYENV_ROOT") ?? "/root/.pyenv";
        var python = Directory.Exists(Path.Combine(pyenv, "versions"))
            ? Directory.GetDirectories(Path.Combine(pyenv, "versions"), version + ".*").Select(d => Path.Combine(d, "bin", "python" + version[0])).FirstOrDefault(File.Exists)
            : null;
        if (python is null) Assert.Skip($"CPython {version} is not installed, so there is no unsupported interpreter to try");
        using var target = PythonProcess.Start(python, Repository.Fixture("sleeper.py"), ["30"]);
        var result = SondeCli.Run("dump", "-p", target.Pid.ToString());
        AssertOneLineError(result, 3, "3.8-3.13");
    }

    [Fact]
    public void NoPermissionExplainsPtrace()
    {
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/setpriv"))
            Assert.Skip("needs root and setpriv to run sonde as an unprivileged user against a root process");
        var py = PythonInstalls.All.FirstOrDefault(p => p.Path is not null && p.Path.StartsWith("/usr/", StringComparison.Ordinal));
        if (py is null) Assert.Skip("needs a CPython outside /root that an unprivileged user can run");
        using var target = PythonProcess.Start(py.Path!, Repository.Fixture("sleeper.py"), ["30"]);
        var info = SondeCli.StartInfo(["dump", "-p", target.Pid.ToString()]);
        info.ArgumentList.Insert(0, info.FileName);
        foreach (var arg in new[] { "--clear-groups", "--regid=65534", "--reuid=65534" }) info.ArgumentList.Insert(0, arg);
        info.FileName = "/usr/bin/setpriv";
        info.Environment["HOME"] = "/tmp";
        info.Environment["DOTNET_CLI_HOME"] = "/tmp";
        using var sonde = Process.Start(info)!;
        var result = SondeCli.Finish(sonde, TimeSpan.FromSeconds(60));
        AssertOneLineError(result, 3, "SYS_PTRACE");
    }

    [Fact]
    public void ProcessThatExitedBeforeWeAttach()
    {
        var py = PythonInstalls.All.FirstOrDefault(p => p.Path is not null) ?? throw new InvalidOperationException("no CPython found");
        // The shell becomes `sleep`, which never reaps its child: the Python that exited stays a zombie, a PID
        // that still exists but whose process is gone.
        var info = new ProcessStartInfo("sh", ["-c", $"'{py.Path}' -c pass & echo $!; exec sleep 20"]) { RedirectStandardOutput = true };
        using var shell = Process.Start(info)!;
        try
        {
            var zombie = shell.StandardOutput.ReadLine()!.Trim();
            for (var i = 0; i < 100 && !File.ReadAllText($"/proc/{zombie}/stat").Contains(") Z "); i++) Thread.Sleep(50);
            AssertOneLineError(SondeCli.Run("dump", "-p", zombie), 3, zombie);
            AssertOneLineError(SondeCli.Run("record", "-p", zombie, "-o", Path.Combine(Path.GetTempPath(), $"zombie-{zombie}.folded")), 3, zombie);
        }
        finally { shell.Kill(); }
    }

    [Fact]
    public void UsageErrorsExitWithTwo()
    {
        AssertOneLineError(SondeCli.Run("record"), 2, "-p PID");
        AssertOneLineError(SondeCli.Run("record", "-p", "1", "-r", "0"), 2, "--rate");
        AssertOneLineError(SondeCli.Run("record", "-p", "1", "-r", "2000000"), 2, "1000000");
        AssertOneLineError(SondeCli.Run("record", "-p", "1", "-o", "x.unknown"), 2, "-f");
    }

    internal static void AssertOneLineError(CommandResult result, int exitCode, string mustContain)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length is >= 1 and <= 2, "expected a one-line error:\n" + result);
        Assert.StartsWith("sonde: ", lines[0]);
        Assert.Contains(mustContain, result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr);
    }
}
