using System.Text.Json;
using System.Xml.Linq;
using Sonde.Cli.Diff;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Diff;

/// <summary>
/// `sonde diff` and `sonde check` through the real CLI on cProfile files written by Python's own cProfile, where
/// the ground truth is the work the fixture was told to do: hot runs three times the iterations in the second profile.
/// </summary>
public sealed class DiffCliTests : IClassFixture<DiffCliTests.CProfiles>
{
    private readonly CProfiles _files;

    public DiffCliTests(CProfiles files) => _files = files;

    [Fact]
    public void Diff_of_two_cprofile_files_reports_the_measured_change_of_each_function()
    {
        var result = SondeCli.Run("diff", _files.Base, _files.Slow);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("the values were measured, not sampled", result.StdOut);
        var hot = result.StdOut.Split('\n').Single(l => l.EndsWith("(hot)", StringComparison.Ordinal));
        Assert.Contains("measured", hot);
    }

    [Fact]
    public void Diff_json_has_both_profiles_the_measure_and_per_function_changes()
    {
        var result = SondeCli.Run("diff", _files.Base, _files.Slow, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.StdOut);
        var root = document.RootElement;
        Assert.Equal(_files.Base, root.GetProperty("base").GetProperty("name").GetString());
        Assert.Equal("pstats", root.GetProperty("new").GetProperty("format").GetString());
        Assert.Equal("tracing", root.GetProperty("new").GetProperty("mode").GetString());
        Assert.True(root.GetProperty("measure").GetProperty("exact").GetBoolean());
        Assert.Equal("nanoseconds", root.GetProperty("measure").GetProperty("unit").GetString());
        Assert.Equal(0.001, root.GetProperty("false_discovery_rate").GetDouble());
        Assert.Equal("measured", root.GetProperty("run").GetProperty("significance").GetString());

        var functions = root.GetProperty("functions").EnumerateArray().ToList();
        var hot = functions.Single(f => f.GetProperty("function").GetString() == "hot");
        Assert.Equal(Repository.Fixture("diff_workload.py"), hot.GetProperty("file").GetString());
        var own = hot.GetProperty("own");
        foreach (var name in new[] { "base", "new", "delta", "relative", "base_share", "new_share", "z", "p", "q", "significance" })
            Assert.True(own.TryGetProperty(name, out _), $"own.{name} is missing");
        Assert.Equal(JsonValueKind.Null, own.GetProperty("p").ValueKind);
        Assert.Equal("measured", own.GetProperty("significance").GetString());
        Assert.Equal(own.GetProperty("new").GetDouble() - own.GetProperty("base").GetDouble(), own.GetProperty("delta").GetDouble(), 0);
        // Three times the iterations: the time grows by far more than noise on a busy machine (at least +60%).
        Assert.True(own.GetProperty("relative").GetDouble() > 0.6, own.ToString());
        // warm and cool were given the same work in both runs: whatever a busy machine does to them, hot grew more.
        foreach (var steady in functions.Where(f => f.GetProperty("function").GetString() is "warm" or "cool"))
            Assert.True(steady.GetProperty("own").GetProperty("relative").GetDouble() < own.GetProperty("relative").GetDouble(), steady.ToString());
    }

    [Fact]
    public void Check_fails_on_the_slowed_function_and_writes_markdown_and_junit()
    {
        using var temp = new TempDirectory();
        var markdown = temp.File("comment.md");
        var junit = temp.File("sonde.xml");

        // hot was given three times the work (+200%); warm the same work, which this VM's drift has made up to 34%
        // slower from one run to the other, in CPU time. A bar of 100% tells them apart with room on both sides.
        var result = SondeCli.Run("check", _files.Slow, "--baseline", _files.Base, "--max-regression", "100", "--markdown", markdown, "--junit", junit);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("FAILED", result.StdOut);
        Assert.Contains("(hot): own time +", result.StdOut);

        var comment = File.ReadAllText(markdown);
        Assert.StartsWith("## ❌ Sonde:", comment);
        Assert.Contains("| ❌ | ", comment);
        Assert.Contains("diff\\_workload\\.py\\:", comment);
        Assert.Contains("\\(hot\\) | own time |", comment);

        var document = XDocument.Load(junit);
        var suite = document.Root!.Element("testsuite")!;
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(cases.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)suite.Attribute("tests"));
        var failed = cases.Where(c => c.Element("failure") is not null).ToList();
        Assert.Equal(failed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)suite.Attribute("failures"));
        Assert.Contains(failed, c => ((string)c.Attribute("name")!).EndsWith("(hot)", StringComparison.Ordinal));
        Assert.DoesNotContain(failed, c => ((string)c.Attribute("name")!).EndsWith("(warm)", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_passes_an_unchanged_function_and_gates_named_functions_and_the_run()
    {
        var same = SondeCli.Run("check", _files.Base, "--baseline", _files.Base);
        // warm was given the same work in both runs; see the test above for the bar.
        var named = SondeCli.Run("check", _files.Slow, "--baseline", _files.Base, "--function", "warm", "--max-regression", "100");
        var run = SondeCli.Run("check", _files.Slow, "--baseline", _files.Base, "--total", "--max-regression", "20");

        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.StartsWith("passed", same.StdOut);
        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Contains("total time of functions matching 'warm'", named.StdOut);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("whole run: whole run's time +", run.StdOut);
    }

    [Fact]
    public void Diff_writes_a_differential_flame_graph_with_the_slowed_function_in_red()
    {
        using var temp = new TempDirectory();
        var svg = temp.File("diff.svg");

        var result = SondeCli.Run("diff", _files.Base, _files.Slow, "-o", svg);

        Assert.True(result.ExitCode == 0, result.ToString());
        XNamespace ns = "http://www.w3.org/2000/svg";
        var hot = XDocument.Load(svg).Descendants(ns + "g")
            .Where(g => g.Element(ns + "title")?.Value.StartsWith("hot (", StringComparison.Ordinal) == true).ToList();
        // A cProfile file's stacks are estimated from its call graph, so thin slivers of hot also hang under other
        // callers; the path that holds nearly all of its time is the one that must be red.
        var widest = hot.MaxBy(g => long.Parse((string)g.Attribute("data-v")!, System.Globalization.CultureInfo.InvariantCulture))!;
        var fill = (string)widest.Element(ns + "rect")!.Attribute("fill")!;
        var rgb = fill[4..^1].Split(',').Select(int.Parse).ToArray();
        Assert.True(rgb[0] > rgb[1] + 30 && rgb[1] == rgb[2], $"hot is drawn {fill}, not red");
        Assert.StartsWith("BASE ", (string?)widest.Attribute("data-note"));
    }

    [Fact]
    public void Markdown_escaping_leaves_no_markup_in_a_hostile_name()
    {
        var escaped = MarkdownText.Escape("<img src=x onerror=alert(1)>|**bold**|[link](http://x)`code`\u001b[2J");

        Assert.DoesNotContain("<", escaped);
        Assert.DoesNotContain("\u001b", escaped);
        Assert.Contains("&lt;img", escaped);
        Assert.Contains("\\|\\*\\*bold\\*\\*\\|", escaped);
        Assert.Contains("\\[link\\]\\(http\\://x\\)\\`code\\`", escaped);
    }

    /// <summary>Two cProfile files of the diff workload, the second with hot given three times the iterations.</summary>
    public sealed class CProfiles : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public CProfiles()
        {
            var python = PythonInstalls.All.FirstOrDefault(p => p.Label == "3.12" && p.Path is not null)?.Path
                         ?? PythonInstalls.All.First(p => p.Path is not null).Path!;
            Base = _temp.File("base.prof");
            Slow = _temp.File("slow.prof");
            // Side by side, and with three times the work, so a busy machine's swings can't hide the change.
            Task.WaitAll(Task.Run(() => Profile(python, Base)), Task.Run(() => Profile(python, Slow, "--slow", "hot=3")));
        }

        public string Base { get; }
        public string Slow { get; }

        public void Dispose() => _temp.Dispose();

        // cProfile times with the thread's CPU clock rather than its default wall clock: these two runs share the
        // machine with each other and with the other tests, and waiting for a CPU would otherwise count as time
        // spent in whatever function was running (warm grew by 57% in one such run, with the same work).
        private const string CpuTimedCProfile =
            "import cProfile, runpy, sys, time\n" +
            "output = sys.argv.pop(1)\n" +
            "sys.argv.pop(0)\n" +
            "profiler = cProfile.Profile(time.thread_time)\n" +
            "profiler.runcall(runpy.run_path, sys.argv[0], run_name='__main__')\n" +
            "profiler.dump_stats(output)\n";

        private static void Profile(string python, string output, params string[] args)
        {
            var result = ExternalTool.Run(python, ["-c", CpuTimedCProfile, output, Repository.Fixture("diff_workload.py"), "400", .. args]);
            if (result.ExitCode != 0) throw new InvalidOperationException($"cProfile failed: {result}");
        }
    }
}
