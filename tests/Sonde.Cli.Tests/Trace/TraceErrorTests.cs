using Sonde.Cli.Tests.Support;
using Sonde.Testing;
using static Sonde.Cli.Tests.Errors.TargetErrorTests;

namespace Sonde.Cli.Tests.Trace;

/// <summary>Each mistake gets one line that says what to do and a documented exit code, never a stack trace.</summary>
public sealed class TraceErrorTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void AMissingScriptIsAOneLineError()
    {
        var result = SondeCli.Run("trace", "-o", _directory.File("x.prof"), "--", Python(), "no_such_script.py");
        AssertOneLineError(result, 3, "can't find the script 'no_such_script.py'");
        Assert.Equal("", result.StdOut);
        Assert.False(File.Exists(_directory.File("x.prof")));
    }

    [Fact]
    public void ACommandThatRunsNoPythonIsAOneLineError()
    {
        var result = SondeCli.Run("trace", "-o", _directory.File("x.prof"), "--", "/bin/sh", "-c", "exit 0");
        AssertOneLineError(result, 3, "CPython 3.8 or newer");
    }

    [Fact]
    public void AMissingCommandIsAOneLineError() =>
        AssertOneLineError(SondeCli.Run("trace", "--", "/no/such/python3", "app.py"), 3, "could not start '/no/such/python3'");

    [Theory]
    [InlineData("2.7")]
    [InlineData("3.7")]
    public void AnOldPythonIsAOneLineError(string version)
    {
        var pyenv = Path.Combine(Environment.GetEnvironmentVariable("PYENV_ROOT") ?? "/root/.pyenv", "versions");
        var python = Directory.Exists(pyenv)
            ? Directory.GetDirectories(pyenv, version + ".*").Select(d => Path.Combine(d, "bin", "python")).FirstOrDefault(File.Exists)
            : null;
        if (python is null) Assert.Skip($"CPython {version} is not installed, so there is no unsupported interpreter to try");
        var result = SondeCli.Run("trace", "-o", _directory.File("x.prof"), "--", python, "-c", "print('ran')");
        AssertOneLineError(result, 3, $"is cpython {version}");
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public void ALinesPatternThatNeverRanIsReportedAfterTheProfileIsWritten()
    {
        var prof = _directory.File("lines.prof");
        var result = SondeCli.Run("trace", "-o", prof, "--lines", "__main__:nothing_called_this", "--", Python(), "-c", "def f(): pass\nf()");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("sonde: --lines __main__:nothing_called_this matched no function that was called", result.StdErr, StringComparison.Ordinal);
        Assert.True(File.Exists(prof));
    }

    [Fact]
    public void ALinesPatternThatNeverRanKeepsAFailingTargetsExitCode()
    {
        var result = SondeCli.Run("trace", "-o", _directory.File("lines.prof"), "--lines", "__main__:nothing_called_this", "--", Python(), "-c", "import sys; sys.exit(5)");
        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Contains("matched no function that was called", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void BadOptionsAreUsageErrors()
    {
        AssertOneLineError(SondeCli.Run("trace", "--lines", "no-colon", "--", "python3", "app.py"), 2, "MODULE:FUNC");
        AssertOneLineError(SondeCli.Run("trace", "--lines", "app:", "--", "python3", "app.py"), 2, "MODULE:FUNC");
        AssertOneLineError(SondeCli.Run("trace", "--clock", "sundial", "--", "python3", "app.py"), 2, "--clock takes wall or cpu");
        AssertOneLineError(SondeCli.Run("trace"), 2, "give the command to trace after --");
        AssertOneLineError(SondeCli.Run("trace", "-o", "x.unknown", "--", "python3", "app.py"), 2, "-f");
    }

    private static string Python() =>
        PythonInstalls.All.FirstOrDefault(p => p.Path is not null)?.Path ?? throw new InvalidOperationException("no CPython 3.8+ on this machine");
}
