using System.Globalization;
using System.Text.RegularExpressions;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Recording;

/// <summary>The line `record` ends with: the sampler's own CPU, in total and per sample, adds up.</summary>
public sealed partial class SummaryTests
{
    [Fact]
    public void SamplerCpuPerSampleIsTheTotalOverTheSamples()
    {
        var py = PythonInstalls.All.FirstOrDefault(p => p.Path is not null) ?? throw new InvalidOperationException("no CPython found");
        using var temp = new TempDirectory();
        var result = SondeCli.Run("record", "-r", "200", "-o", temp.File("x.folded"), "--", py.Path!, Repository.Fixture("idle_thread.py"), "1.5");
        Assert.True(result.ExitCode == 0, result.ToString());

        var summary = SummaryLine().Match(result.StdErr);
        Assert.True(summary.Success, result.ToString());
        var seconds = Number(summary.Groups["seconds"].Value);
        var samples = Number(summary.Groups["samples"].Value);
        var cpuMs = Number(summary.Groups["cpu"].Value);
        var perSampleUs = Number(summary.Groups["per"].Value);

        Assert.True(samples > 10, result.ToString());
        Assert.True(cpuMs > 0, result.ToString());
        // One thread can't use more CPU than the time it ran.
        Assert.True(cpuMs < seconds * 1000, result.ToString());
        // Both figures are rounded for display: 0.05 ms of the total, 0.005 us (or 0.05 above 10 us) per sample.
        Assert.InRange(perSampleUs * samples / 1000, cpuMs - 0.05 - samples * 0.05 / 1000, cpuMs + 0.05 + samples * 0.05 / 1000);
    }

    private static double Number(string text) => double.Parse(text.Replace(",", ""), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"sonde: (?<seconds>[\d.]+) s, (?<samples>[\d,]+) samples from .*; sampler CPU (?<cpu>[\d.,]+) ms \((?<per>[\d.,]+) us/sample\)")]
    private static partial Regex SummaryLine();
}
