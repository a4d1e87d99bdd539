using System.Diagnostics;

namespace Sonde.Cli.Tests.Support;

/// <summary>A Python fixture started by a test, killed when the test ends.</summary>
internal sealed class PythonProcess : IDisposable
{
    private readonly Process _process;

    private PythonProcess(Process process) => _process = process;

    public int Pid => _process.Id;
    public Process Process => _process;

    /// <summary>The ready line as printed, which may carry what the fixture reports after the ready word.</summary>
    public string? ReadyLine { get; private init; }

    /// <summary>Starts the script and, when <paramref name="readyLine"/> is given, waits until it prints that line.</summary>
    public static PythonProcess Start(string python, string script, IEnumerable<string> args, string? readyLine = "READY", string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        info.ArgumentList.Add(script);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        if (readyLine is not null)
        {
            var line = process.StandardOutput.ReadLine();
            if (line is null || !(line == readyLine || line.StartsWith(readyLine + " ", StringComparison.Ordinal)))
                throw new InvalidOperationException($"{script} printed '{line}' instead of {readyLine}");
            return new PythonProcess(process) { ReadyLine = line };
        }
        return new PythonProcess(process);
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.WaitForExit();
        _process.Dispose();
    }
}
