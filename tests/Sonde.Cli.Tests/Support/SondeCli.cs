using System.Diagnostics;

namespace Sonde.Cli.Tests.Support;

/// <summary>Runs the real sonde CLI (the built sonde.dll) as a separate process, as a user would.</summary>
internal static class SondeCli
{
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "sonde.dll");

    /// <summary>The history store every sonde this test run starts saves to unless a test sets SONDE_STORE itself.</summary>
    public static readonly string TestStore = Path.Combine(Path.GetTempPath(), $"sonde-test-store-{Environment.ProcessId}");

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["NO_COLOR"] = "1";
        // Recordings go to a history store of this test run, never the user's; a test may point elsewhere.
        info.Environment["SONDE_STORE"] = TestStore;
        return info;
    }

    public static CommandResult Run(params string[] args) => Run(TimeSpan.FromSeconds(120), args);

    public static CommandResult Run(TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        return Finish(process, timeout);
    }

    public static CommandResult Finish(Process process, TimeSpan timeout)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sonde did not finish within {timeout}: {stderr.Result}");
        }
        process.WaitForExit();
        return new CommandResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
