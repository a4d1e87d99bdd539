using System.Diagnostics;
using System.Text.Json;

namespace Sonde.Agent.Tests.Support;

/// <summary>A profile file as Python's own pstats loads it (through tests/fixtures/python/pstats_dump.py).</summary>
internal sealed record PstatsDump(IReadOnlyList<PstatsDump.Function> Functions, long TotalCalls, long PrimitiveCalls)
{
    public sealed record Function(string File, int Line, string Name, long PrimitiveCalls, long Calls, double OwnSeconds, double TotalSeconds);

    public static PstatsDump Load(string python, string profilePath)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Fixtures.Path("pstats_dump.py"));
        info.ArgumentList.Add(profilePath);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"pstats could not load {profilePath}: {stderr}");
        using var document = JsonDocument.Parse(stdout.Result);
        var root = document.RootElement;
        var functions = root.GetProperty("functions").EnumerateArray().Select(f => new Function(
            f.GetProperty("file").GetString()!, f.GetProperty("line").GetInt32(), f.GetProperty("name").GetString()!,
            f.GetProperty("cc").GetInt64(), f.GetProperty("nc").GetInt64(), f.GetProperty("tt").GetDouble(), f.GetProperty("ct").GetDouble())).ToList();
        return new PstatsDump(functions, root.GetProperty("total_calls").GetInt64(), root.GetProperty("prim_calls").GetInt64());
    }
}
