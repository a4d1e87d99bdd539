using System.Diagnostics;
using System.Text.Json;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Report;

/// <summary>
/// Files that nobody recorded with Sonde: <c>python -m cProfile -o</c> under each CPython, on a fixture that
/// counts its own calls. The report must show exactly those counts.
/// </summary>
public sealed class ReportCProfileTests : IDisposable
{
    public static TheoryData<string> Pythons => PythonInstalls.Labels;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private (string Prof, JsonElement Truth) Record(PythonInstall python)
    {
        var prof = _directory.File("run.prof");
        var truthPath = _directory.File("truth.json");
        var info = new ProcessStartInfo(python.Path!) { UseShellExecute = false, WorkingDirectory = _directory.Path, RedirectStandardError = true };
        foreach (var arg in new[] { "-m", "cProfile", "-o", prof, Repository.Fixture("call_counts.py"), truthPath }) info.ArgumentList.Add(arg);
        using (var process = Process.Start(info)!)
        {
            var stderr = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(60_000), "cProfile run did not finish");
            Assert.True(process.ExitCode == 0, stderr);
        }
        return (prof, JsonDocument.Parse(File.ReadAllText(truthPath)).RootElement);
    }

    [Theory, MemberData(nameof(Pythons))]
    public void Json_report_has_the_exact_call_counts(string label)
    {
        var (prof, truth) = Record(PythonInstalls.Require(label));

        var result = SondeCli.Run("report", prof, "--json", "--limit", "0", "--filter", "call_counts");

        Assert.True(result.ExitCode == 0, result.ToString());
        // Only the fixture's named functions are compared; generator expressions share one name.
        var functions = JsonDocument.Parse(result.StdOut).RootElement.GetProperty("functions").EnumerateArray()
            .Where(f => f.GetProperty("function").GetString() != "<genexpr>")
            .ToDictionary(f => f.GetProperty("function").GetString()!);
        foreach (var expected in truth.GetProperty("functions").EnumerateObject())
        {
            Assert.True(functions.TryGetValue(expected.Name, out var seen), $"{expected.Name} is missing from the report");
            Assert.Equal(expected.Value.GetProperty("calls").GetInt64(), seen.GetProperty("calls").GetInt64());
            Assert.Equal(expected.Value.GetProperty("primitive").GetInt64(), seen.GetProperty("primitive_calls").GetInt64());
            Assert.True(seen.GetProperty("total").GetInt64() >= seen.GetProperty("own").GetInt64());
        }
    }

    [Theory, MemberData(nameof(Pythons))]
    public void Callers_show_the_calls_from_each_caller(string label)
    {
        var (prof, truth) = Record(PythonInstalls.Require(label));

        var result = SondeCli.Run("report", prof, "--json", "--callers", @"call_counts\.py:\d+\((leaf|fib|pong)\)");

        Assert.True(result.ExitCode == 0, result.ToString());
        var seen = new Dictionary<(string, string), long>();
        foreach (var entry in JsonDocument.Parse(result.StdOut).RootElement.GetProperty("callers").EnumerateArray())
        {
            var callee = entry.GetProperty("function").GetProperty("function").GetString()!;
            foreach (var caller in entry.GetProperty("callers").EnumerateArray())
            {
                // Two callers can share a name (the generator expressions of left and right): add them up.
                var key = (caller.GetProperty("function").GetString()!, callee);
                seen[key] = seen.GetValueOrDefault(key) + caller.GetProperty("calls").GetInt64();
            }
        }
        var checkedEdges = 0;
        foreach (var edge in truth.GetProperty("edges").EnumerateArray())
        {
            var (caller, callee, calls) = (edge[0].GetString()!, edge[1].GetString()!, edge[2].GetInt64());
            if (callee is not ("leaf" or "fib" or "pong")) continue;
            // cProfile sees leaf called from the generator expressions inside left and right.
            var key = callee == "leaf" ? ("<genexpr>", callee) : (caller, callee);
            if (callee == "leaf") calls = truth.GetProperty("functions").GetProperty("leaf").GetProperty("calls").GetInt64();
            Assert.Equal(calls, seen[key]);
            checkedEdges++;
        }
        Assert.True(checkedEdges >= 4);
    }

    [Theory, MemberData(nameof(Pythons))]
    public void Text_table_shows_recursive_calls_like_pstats(string label)
    {
        var (prof, truth) = Record(PythonInstalls.Require(label));
        var fib = truth.GetProperty("functions").GetProperty("fib");

        var result = SondeCli.Run("report", prof, "--filter", @"\(fib\)", "--strip-dirs");

        Assert.True(result.ExitCode == 0, result.ToString());
        var row = Assert.Single(result.StdOut.Split('\n'), l => l.EndsWith("(fib)", StringComparison.Ordinal));
        Assert.StartsWith($"{fib.GetProperty("calls").GetInt64()}/{fib.GetProperty("primitive").GetInt64()} ", row.TrimStart());
        Assert.Contains("call_counts.py:", row);
        Assert.DoesNotContain("/", row.Split("  ").Last());
    }
}
