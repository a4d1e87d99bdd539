using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Targets;

/// <summary>
/// A command Sonde starts and profiles. It inherits stdin, stdout and stderr, so the target behaves as it would
/// without Sonde, and its exit code becomes Sonde's.
/// </summary>
internal sealed partial class LaunchedProcess : IDisposable
{
    private readonly Process _process;

    private LaunchedProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    public int ProcessId => _process.Id;
    public string CommandLine { get; }
    public bool HasExited => _process.HasExited;

    public static LaunchedProcess Start(IReadOnlyList<string> command)
    {
        if (command.Count == 0) throw new UsageException("give a PID with -p PID or a command after --, e.g. sonde record -- python3 app.py");
        var info = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var argument in command.Skip(1)) info.ArgumentList.Add(argument);
        try
        {
            var process = Process.Start(info) ?? throw new TargetException($"could not start '{command[0]}'");
            return new LaunchedProcess(process, string.Join(' ', command));
        }
        catch (Win32Exception e)
        {
            throw new TargetException($"could not start '{command[0]}': {e.Message}; check the command and your PATH", e);
        }
    }

    /// <summary>Waits for the target and returns its exit code; 128+N when signal N killed it, as shells report.</summary>
    public int WaitForExit()
    {
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Signal(PosixSignal signal)
    {
        if (_process.HasExited) return;
        var number = signal switch
        {
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGTERM => 15,
            PosixSignal.SIGQUIT => 3,
            _ => 15,
        };
        Kill(_process.Id, number);
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    public void Dispose() => _process.Dispose();
}
