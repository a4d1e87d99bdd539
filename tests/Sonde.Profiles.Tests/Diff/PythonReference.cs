using System.Globalization;
using Sonde.Testing;

namespace Sonde.Profiles.Tests.Diff;

/// <summary>
/// Runs a Python snippet and reads back the numbers it prints, one per line: the expected values of the statistics
/// tests come from Python's own math and statistics modules, not from the code under test.
/// </summary>
internal static class PythonReference
{
    public static double[] Numbers(string script)
    {
        var python = PythonInstalls.All.FirstOrDefault(p => p.Path is not null)?.Path;
        if (python is null) Assert.Skip("no CPython is installed to compute the reference values");
        var result = ExternalTool.Run(python, ["-c", script]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => double.Parse(line, CultureInfo.InvariantCulture)).ToArray();
    }
}
