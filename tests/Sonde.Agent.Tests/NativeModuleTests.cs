using System.Diagnostics;
using Sonde.Testing;

namespace Sonde.Agent.Tests;

/// <summary>
/// The agent's compiled helpers load in every CPython, through the loader the agent itself uses; the build
/// compiles them for each pyenv minor version, and Debian's 3.11 shares the pyenv 3.11 build's ABI.
/// </summary>
public sealed class NativeModuleTests
{
    public static TheoryData<string> Pythons => Support.Pythons.All;

    [Theory, MemberData(nameof(Pythons))]
    public void TheNativeTracerLoads(string label)
    {
        var python = PythonInstalls.Require(label);
        var loaded = RunInAgent(python.Path!, "from sonde_agent import compiled; m = compiled.load('sonde_trace'); print(m.__name__ if m else 'missing')", null);
        Assert.Equal("sonde_trace", loaded);
        var switchedOff = RunInAgent(python.Path!, "from sonde_agent import compiled; print(compiled.load('sonde_trace'))", "1");
        Assert.Equal("None", switchedOff);
    }

    private static string RunInAgent(string python, string code, string? noNative)
    {
        // -S: the agent's sitecustomize would start tracing; only the package is wanted here.
        var info = new ProcessStartInfo(python, ["-S", "-c", code]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["PYTHONPATH"] = AgentFiles.Extract();
        if (noNative is not null) info.Environment["SONDE_NO_NATIVE"] = noNative;
        else info.Environment.Remove("SONDE_NO_NATIVE");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return output;
    }
}
