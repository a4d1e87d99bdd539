using Sonde.Agent.Tests.Support;
using Sonde.Profiles.Errors;
using Sonde.Testing;

namespace Sonde.Agent.Tests;

/// <summary>What can't be traced says why, as a <see cref="TargetException"/> (exit 3), before any program output.</summary>
public sealed class LaunchErrorTests
{
    [Fact]
    public void AMissingScriptIsReportedAndNotRun()
    {
        var python = AnyPython();
        var error = Assert.Throws<TargetException>(() => Traces.Run(python, "no_such_script_here.py"));
        Assert.Contains("can't find the script 'no_such_script_here.py'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void AnInterpreterOlderThan38IsRejected()
    {
        var old = OldPython() ?? throw SkipException("no CPython older than 3.8 (2.7 or 3.7 under pyenv) on this machine");
        using var scratch = new Scratch();
        var marker = scratch.File("ran");
        var error = Assert.Throws<TargetException>(() => Traces.Run(old, "-c", $"open('{marker}', 'w').close()"));
        Assert.Contains("needs CPython 3.8 or newer", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "the program ran although its interpreter was rejected");
    }

    [Fact]
    public void ACommandWithoutPythonIsReported()
    {
        var error = Assert.Throws<TargetException>(() => Traces.Run("/bin/sh", "-c", "exit 0"));
        Assert.Contains("no Python process loaded Sonde's agent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingCommandIsReported()
    {
        var error = Assert.Throws<TargetException>(() => Traces.Run("/no/such/python3"));
        Assert.Contains("could not start '/no/such/python3'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AChildThatCantBeTracedRunsUntraced()
    {
        var old = OldPython() ?? throw SkipException("no CPython older than 3.8 (2.7 or 3.7 under pyenv) on this machine");
        var python = AnyPython();
        var result = Traces.Run(python, "-c", $"import subprocess, sys; sys.exit(subprocess.call(['{old}', '-c', 'import sys; sys.exit(5)']))");
        Assert.Equal(5, result.ExitCode);
        var child = Assert.Single(result.Processes, p => !p.IsRoot);
        Assert.False(child.Traced);
        Assert.True(Assert.Single(result.Processes, p => p.IsRoot).Traced);
    }

    private static string AnyPython() =>
        PythonInstalls.All.FirstOrDefault(p => p.Path is not null)?.Path ?? throw SkipException("no CPython 3.8+ on this machine");

    private static string? OldPython()
    {
        var versions = Path.Combine(Environment.GetEnvironmentVariable("PYENV_ROOT") ?? "/root/.pyenv", "versions");
        if (!Directory.Exists(versions)) return null;
        return Directory.GetDirectories(versions, "2.7.*").Concat(Directory.GetDirectories(versions, "3.7.*"))
            .Select(d => Path.Combine(d, "bin", "python"))
            .FirstOrDefault(File.Exists);
    }

    private static Exception SkipException(string reason)
    {
        Assert.Skip(reason);
        return new InvalidOperationException(reason);
    }
}
