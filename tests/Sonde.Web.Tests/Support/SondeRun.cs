using System.Diagnostics;

namespace Sonde.Web.Tests.Support;

/// <summary>Runs the built sonde (<c>sonde.dll</c>) to make a real profile for the page to show.</summary>
internal static class SondeRun
{
    public static void Run(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = directory };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "sonde.dll") }.Concat(args)) info.ArgumentList.Add(arg);
        info.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(180))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"sonde {args[0]} failed ({process.ExitCode}): {stderr.Result}");
    }
}
