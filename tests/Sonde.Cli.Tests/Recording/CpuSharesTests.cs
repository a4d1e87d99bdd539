using System.Text.Json;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Recording;

/// <summary>
/// The shares `record` reports at 100 Hz match the CPU time the fixture measured itself, within 3 points. The
/// shares are read by the cpu weight, which stays right when the machine is busy: a runnable thread waiting for a
/// CPU is still sampled, and a plain sample count would charge it for the wait.
/// </summary>
public sealed class CpuSharesTests
{
    private const double TolerancePoints = 3.0;

    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void SingleThreadSharesMatchGroundTruth(string python)
    {
        var py = PythonInstalls.Require(python);
        AssertShares(py.Path!, ["4"], ["burn_a", "burn_b", "burn_c"]);
    }

    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void SharesAcrossThreadsMatchGroundTruth(string python)
    {
        var py = PythonInstalls.Require(python);
        AssertShares(py.Path!, ["3", "--threads"], ["burn_a", "burn_b", "burn_c", "burn_d"]);
    }

    /// <summary>
    /// Code that calls and returns, or yields and resumes, a million times a second changes the stack during
    /// nearly every read of it. Such reads must still count (as the stack they found), or its share shrinks:
    /// before the sampler kept walks that reach the thread's base and re-read raced ones in one call, a
    /// recursion that used half the CPU was reported at 3-14%, and a generator 1-4 points short.
    /// </summary>
    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void CallHeavyCodeKeepsItsShare(string python)
    {
        var py = PythonInstalls.Require(python);
        AssertShares(py.Path!, ["6"], ["churn", "generators", "flat"], "call_churn.py", rate: "1000", inclusive: true);
    }

    private static void AssertShares(string python, string[] fixtureArgs, string[] functions, string fixture = "cpu_shares.py",
        string rate = "100", bool inclusive = false)
    {
        using var temp = new TempDirectory();
        var truthPath = temp.File("truth.json");
        var recording = temp.File("out.sonde");
        var folded = temp.File("out.folded");
        var result = SondeCli.Run(["record", "-r", rate, "-o", recording, "--", python, Repository.Fixture(fixture), truthPath, .. fixtureArgs]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var convert = SondeCli.Run("convert", recording, "-o", folded, "--weight", "cpu");
        Assert.True(convert.ExitCode == 0, convert.ToString());

        var truth = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(truthPath))!;
        var stacks = FoldedStacks.Load(folded);
        Func<string, long> sampled = inclusive ? stacks.Inclusive : stacks.Own;
        var truthTotal = functions.Sum(f => truth[f]);
        var sampledTotal = functions.Sum(sampled);
        Assert.True(sampledTotal > 2_000_000_000, $"too little CPU time sampled: {sampledTotal} ns\n{result}");
        foreach (var function in functions)
        {
            var expected = 100 * truth[function] / truthTotal;
            var actual = 100.0 * sampled(function) / sampledTotal;
            Assert.True(Math.Abs(expected - actual) <= TolerancePoints,
                $"{function}: sampled {actual:F1}% vs measured {expected:F1}% ({sampledTotal} ns of CPU sampled)");
        }
    }
}
