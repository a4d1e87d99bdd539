using System.Diagnostics;
using System.Text.Json;
using Sonde.Cli.Tests.Support;

namespace Sonde.Cli.Tests.Trace;

/// <summary>A .prof file as a CPython's own pstats loads it: (file, name) → (calls, primitive calls).</summary>
internal static class PstatsFile
{
    public static Dictionary<(string File, string Name), (long Calls, long Primitive)> Load(string python, string path)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Repository.Fixture("pstats_dump.py"));
        info.ArgumentList.Add(path);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"pstats could not load {path}: {stderr}");
        using var document = JsonDocument.Parse(stdout.Result);
        var functions = new Dictionary<(string, string), (long, long)>();
        foreach (var f in document.RootElement.GetProperty("functions").EnumerateArray())
            functions[(f.GetProperty("file").GetString()!, f.GetProperty("name").GetString()!)] = (f.GetProperty("nc").GetInt64(), f.GetProperty("cc").GetInt64());
        return functions;
    }
}
