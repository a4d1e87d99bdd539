using System.Diagnostics;

namespace Sonde.Formats.Tests.Pstats;

/// <summary>Runs a real CPython on a script and returns what it printed, failing the test on a non-zero exit.</summary>
internal static class PythonRunner
{
    public static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sonde.slnx"))) return Path.Combine(dir.FullName, "tests", "fixtures", "python", name);
        throw new InvalidOperationException("can't find the repository root above " + AppContext.BaseDirectory);
    }

    public static string Run(string python, params string[] args) => RunIn(Path.GetTempPath(), python, args);

    public static string RunIn(string workingDirectory, string python, params string[] args)
    {
        var info = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["PYTHONIOENCODING"] = "utf-8";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{python} {string.Join(' ', args)} did not finish");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{python} {string.Join(' ', args)} exited {process.ExitCode}:\n{stderr.Result}");
        return stdout.Result;
    }
}
