using System.Diagnostics;

namespace Sonde.Remote.Tests;

/// <summary>A child process for a test to read; killed on dispose so a failing test leaves nothing behind.</summary>
internal sealed class TargetProcess : IDisposable
{
    private readonly Process _process;

    private TargetProcess(Process process, string? firstLine)
    {
        _process = process;
        FirstLine = firstLine;
    }

    public int Id => _process.Id;

    /// <summary>What the target printed first: the signal that it is ready, and any facts it reports.</summary>
    public string? FirstLine { get; }

    /// <summary>Starts the program and, when <paramref name="waitForLine"/>, waits for its first line of output.</summary>
    public static TargetProcess Start(string fileName, IEnumerable<string> arguments, bool waitForLine)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        try
        {
            string? line = null;
            if (waitForLine)
            {
                var read = process.StandardOutput.ReadLineAsync();
                if (!read.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException($"{fileName} printed nothing in 30 s");
                line = read.Result;
            }
            return new TargetProcess(process, line);
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    /// <summary>A Python that prints its <c>sys.version_info[:3]</c> as "3.12.1" and then sleeps.</summary>
    public static TargetProcess StartPython(string python) => Start(
        python,
        ["-c", "import sys, time; print('%d.%d.%d' % sys.version_info[:3], flush=True); time.sleep(60)"],
        waitForLine: true);

    /// <summary>Sends the target a line on its standard input and returns the line it answers with.</summary>
    public string Ask(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
        var read = _process.StandardOutput.ReadLineAsync();
        if (!read.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("the target did not answer in 30 s");
        return read.Result ?? throw new InvalidOperationException("the target closed its output");
    }

    public void Dispose() => Kill(_process);

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }
}
