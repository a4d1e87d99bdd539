using System.Text.Json;
using Sonde.Agent.Tests.Support;
using Sonde.Testing;

namespace Sonde.Agent.Tests;

/// <summary>Line hit counts against trace_lines.py's own: branches, a loop, recursion, and a second thread.</summary>
public sealed class LineTimingTests
{
    /// <summary>Every CPython, with call statistics and without (--lines-only), with the native tracer and without.</summary>
    public static TheoryData<string, bool, bool> PythonsCallsAndTracers
    {
        get
        {
            var data = new TheoryData<string, bool, bool>();
            foreach (var install in PythonInstalls.All)
            {
                data.Add(install.Label, true, true);
                data.Add(install.Label, false, true);
                data.Add(install.Label, false, false);
            }
            return data;
        }
    }

    [Theory, MemberData(nameof(PythonsCallsAndTracers))]
    public void CountsEveryLineOfTheChosenFunctionsExactly(string label, bool calls, bool native)
    {
        var python = PythonInstalls.Require(label);
        using var scratch = new Scratch();
        var fixture = Fixtures.Path("trace_lines.py");
        var options = new AgentOptions { Calls = calls, LinePatterns = [LinePattern.Parse("trace_lines:classify"), LinePattern.Parse("__main__:count*")] };
        var result = Traces.Run(options, native ? null : Traces.WithoutNative, python.Path!, fixture, scratch.File("truth.json"));
        Assert.Equal(0, result.ExitCode);
        var process = Assert.Single(result.Processes);

        var chosen = process.LineFunctions.ToDictionary(f => f.Function.Function);
        Assert.Equal(["classify", "countdown"], chosen.Keys.Order());
        Assert.Equal([0], chosen["classify"].PatternIndexes);
        Assert.Equal([1], chosen["countdown"].PatternIndexes);

        var hits = process.Threads.SelectMany(t => t.Lines).GroupBy(l => (l.Function.Function.Function, l.Line)).ToDictionary(g => g.Key, g => g.Sum(l => l.Hits));
        using var truth = JsonDocument.Parse(File.ReadAllText(scratch.File("truth.json")));
        foreach (var marker in truth.RootElement.GetProperty("lines").EnumerateObject())
        {
            var function = marker.Name.Split('_')[0];
            var line = marker.Value.GetProperty("line").GetInt32();
            var expected = marker.Value.GetProperty("hits").GetInt64();
            Assert.True(expected == hits.GetValueOrDefault((function, line)), $"{marker.Name} (line {line}): {hits.GetValueOrDefault((function, line))} hits, the fixture counted {expected}");
            var source = chosen[function].Source[line - chosen[function].Function.FirstLine];
            Assert.EndsWith("# line: " + marker.Name, source, StringComparison.Ordinal);
        }
        // Lines on both threads, kept apart until summed.
        Assert.Equal(2, process.Threads.Count(t => t.Lines.Any(l => l.Function.Function.Function == "classify")));
        Assert.All(process.Threads.SelectMany(t => t.Lines), l => Assert.InRange(l.TimeNs, 0, long.MaxValue));

        // Call statistics only when asked for.
        var classifyCalls = process.Threads.SelectMany(t => t.Functions).Where(f => f.Function.Function == "classify").Sum(f => f.Calls);
        Assert.Equal(calls ? 2 : 0, classifyCalls);

        var profile = TraceProfileBuilder.Build(result, options);
        var summed = profile.LineTimings!.ByFunction().Single(f => f.Function.Function == "classify");
        Assert.Equal(hits.Where(h => h.Key.Function == "classify").Sum(h => h.Value), summed.Lines.Sum(l => l.Hits));
    }
}
