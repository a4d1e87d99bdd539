using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Sonde.Cli.Tests.Support;

namespace Sonde.Cli.Tests.Agent;

/// <summary>A running `sonde agent`, with its stderr collected line by line so a test can wait for a message.</summary>
internal sealed partial class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _errorsDone = new();

    public AgentProcess(string workingDirectory, params string[] args)
    {
        var info = SondeCli.StartInfo(["agent", .. args], workingDirectory);
        // SIGINT's default disposition, which a test runner started in the background inherits as ignored.
        info.ArgumentList.Insert(0, info.FileName);
        info.ArgumentList.Insert(0, "--default-signal=INT");
        info.FileName = "/usr/bin/env";
        _process = new Process { StartInfo = info };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) _errorsDone.TrySetResult();
            else _lines.Enqueue(e.Data);
        };
        _process.Start();
        _process.BeginErrorReadLine();
    }

    public string StdErr => string.Join('\n', _lines);

    /// <summary>Waits until stderr has <paramref name="occurrences"/> lines containing <paramref name="text"/>, or fails after two minutes.</summary>
    public void WaitForLine(string text, int occurrences = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (_lines.Count(l => l.Contains(text, StringComparison.Ordinal)) < occurrences)
        {
            if (_process.HasExited) throw new InvalidOperationException($"sonde agent exited ({_process.ExitCode}) before saying '{text}':\n{StdErr}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"sonde agent never said '{text}':\n{StdErr}");
            Thread.Sleep(100);
        }
    }

    /// <summary>Sends the signal (SIGTERM: 15, SIGINT: 2) and waits for the exit code.</summary>
    public int Stop(int signal = 15)
    {
        Assert.Equal(0, Kill(_process.Id, signal));
        if (!_process.WaitForExit(TimeSpan.FromMinutes(1))) throw new TimeoutException($"sonde agent didn't stop:\n{StdErr}");
        _errorsDone.Task.Wait(TimeSpan.FromSeconds(10));
        return _process.ExitCode;
    }

    public int WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromMinutes(2))) throw new TimeoutException($"sonde agent didn't exit:\n{StdErr}");
        _errorsDone.Task.Wait(TimeSpan.FromSeconds(10));
        return _process.ExitCode;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.WaitForExit();
        _process.Dispose();
    }
}
