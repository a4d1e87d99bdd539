using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sonde.Cli.Tests.Support;
using Sonde.Formats;
using Sonde.Formats.Callgrind;
using Sonde.Profiles.Views;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Recording;

/// <summary>
/// A real recording written as pprof (chosen by the .pb.gz name): go tool pprof reads the numbers Sonde reads
/// back from the same file, and so does callgrind_annotate from the callgrind file written from it. The
/// shares themselves are CpuSharesTests' business; here the fixture's ground truth only has to rank the
/// functions, which holds even on a loaded machine. Formats don't depend on the Python version, so one
/// interpreter is enough.
/// </summary>
public sealed partial class ExportTests
{
    private static readonly string[] _functions = ["burn_a", "burn_b", "burn_c"];

    [Fact]
    public void A_recording_reads_the_same_in_go_tool_pprof_callgrind_annotate_and_sonde()
    {
        var go = ExternalTool.Require("go", "golang-go");
        var annotate = ExternalTool.Require("callgrind_annotate", "valgrind");
        var python = PythonInstalls.All.FirstOrDefault(p => p.Path is not null)
                     ?? PythonInstalls.Require(PythonInstalls.DebianLabel);
        using var temp = new TempDirectory();
        var truthPath = temp.File("truth.json");
        var pprof = temp.File("cpu.pb.gz");

        var result = SondeCli.Run(["record", "-r", "100", "-o", pprof, "--", python.Path!, Repository.Fixture("cpu_shares.py"), truthPath, "2"]);
        Assert.True(result.ExitCode == 0, result.ToString());

        var profile = FormatRegistry.ReadFile(pprof);
        var ours = FunctionTable.Build(profile).Where(f => _functions.Contains(f.Function.Function)).ToDictionary(f => f.Function.Function, f => f.Own);
        var top = ExternalTool.Run(go, ["tool", "pprof", "-top", "-nodecount=1000", "-sample_index=samples", pprof]);
        Assert.True(top.ExitCode == 0, top.ToString());
        foreach (var function in _functions) Assert.Equal(ours[function], Flat(top.StdOut, " " + function));
        Assert.Contains("<module>", top.StdOut);

        var callgrind = temp.File("callgrind.out.1");
        using (var stream = File.Create(callgrind)) new CallgrindWriter().Write(profile, stream, WriteOptions.Default);
        var annotated = ExternalTool.Run(annotate, ["--inclusive=no", "--threshold=100", "--auto=no", callgrind], temp.Path);
        Assert.True(annotated.ExitCode == 0, annotated.ToString());
        foreach (var function in _functions) Assert.Equal(ours[function], Flat(annotated.StdOut, ":" + function));

        var truth = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(truthPath))!;
        Assert.True(ours.Values.Sum() > 100, $"too few samples: {ours.Values.Sum()}");
        Assert.Equal(_functions.OrderByDescending(f => truth[f]), _functions.OrderByDescending(f => ours[f]));
    }

    /// <summary>The first number of the one row of a tool's output that ends with the function's name.</summary>
    private static long Flat(string output, string suffix)
    {
        var row = output.Split('\n').Single(l => l.TrimEnd().EndsWith(suffix, StringComparison.Ordinal));
        return long.Parse(FirstNumber().Match(row).Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\s*([\d,]+)")]
    private static partial Regex FirstNumber();
}
