using System.Globalization;
using Sonde.Formats.Dot;
using Sonde.Formats.Tests.Pprof;
using Sonde.Formats.Tests.Support;
using Sonde.Profiles;
using Sonde.Profiles.Errors;
using Sonde.Profiles.Views;
using static Sonde.Formats.Tests.ProfileBuilder;

namespace Sonde.Formats.Tests.Dot;

public sealed class DotWriterTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Dot_renders_a_node_per_function_with_its_shares_and_weight(int weightIndex)
    {
        var profile = PprofWriterTests.Known();
        var graph = Render(profile, new WriteOptions(WeightIndex: weightIndex));

        var total = (double)profile.TotalWeight(weightIndex);
        var functions = FunctionTable.Build(profile, weightIndex);
        Assert.Equal(functions.Count, graph.Nodes.Count);
        foreach (var function in functions)
        {
            var lines = graph.Nodes[function.Function.Function];
            Assert.Equal($"{function.Function.File}:{function.Function.FirstLine}", lines[1]);
            Assert.Equal($"{Percent(function.Total / total)} ({Percent(function.Own / total)})", lines[2]);
        }
        Assert.Equal(weightIndex == 0 ? "55 samples" : "550 ms", graph.Nodes["main"][3]);
        Assert.Equal("python3 app.py", graph.Title[0]);
    }

    [Fact]
    public void Edges_go_from_caller_to_callee_with_the_share_of_that_call()
    {
        var graph = Render(PprofWriterTests.Known(), WriteOptions.Default);

        Assert.Equal(new Dictionary<(string, string), string>
        {
            [("main", "work")] = "76.92%",
            [("work", "compute")] = "46.15%",
            [("loop", "compute")] = "15.38%",
            [("main", "helper")] = "7.69%",
        }, graph.Edges);
    }

    [Fact]
    public void Hotter_functions_get_warmer_colours()
    {
        var graph = Render(PprofWriterTests.Known(), WriteOptions.Default);

        // Totals: main 55, work 50, compute 40, loop 10, helper 5.
        var hues = new[] { "main", "work", "compute", "loop", "helper" }.Select(graph.Hue).ToArray();
        for (var i = 1; i < hues.Length; i++) Assert.True(hues[i - 1] < hues[i], string.Join(", ", hues));
    }

    [Fact]
    public void Functions_and_calls_under_the_thresholds_are_left_out()
    {
        // Of 1000 samples: rare is 0.3% (under the 0.5% default), odd is 1% but its call from main only 0.2%.
        var main = F("main");
        var profile = new ProfileBuilder()
            .Add(987, main, F("busy"))
            .Add(3, main, F("rare"))
            .Add(2, main, F("odd"))
            .Add(8, F("other"), F("odd"))
            .Profile;

        var defaults = Render(profile, WriteOptions.Default);
        var everything = Render(profile, WriteOptions.Default, new DotOptions(0, 0));
        var strict = Render(profile, WriteOptions.Default, new DotOptions(NodeThresholdPercent: 0, EdgeThresholdPercent: 0.5));

        Assert.DoesNotContain("rare", defaults.Nodes.Keys);
        Assert.Contains(("main", "odd"), defaults.Edges.Keys);
        Assert.Contains("rare", everything.Nodes.Keys);
        Assert.Equal("0.30%", everything.Edges[("main", "rare")]);
        Assert.Contains("rare", strict.Nodes.Keys);
        Assert.DoesNotContain(("main", "odd"), strict.Edges.Keys);
        Assert.DoesNotContain(("main", "rare"), strict.Edges.Keys);
        Assert.Contains(("other", "odd"), strict.Edges.Keys);
    }

    [Fact]
    public void Recursion_counts_each_sample_once()
    {
        var fib = F("fib", "r.py", 3);
        var graph = Render(new ProfileBuilder().Add(4, F("main"), fib, fib, fib).Add(1, F("main"), F("other")).Profile, WriteOptions.Default);

        Assert.Equal("80.00% (80.00%)", graph.Nodes["fib"][2]);
        Assert.Equal("80.00%", graph.Edges[("fib", "fib")]);
    }

    [Theory]
    [InlineData("quote \" and \\\" and \\")]
    [InlineData("escapes \\n \\l \\N \\G \\E \\T \\H")]
    [InlineData("<b>html</b> &amp; &#65; & <!-- -->")]
    [InlineData("]; evil [label=\"x\"")]
    public void Any_name_renders_as_itself(string name)
    {
        var profile = new ProfileBuilder().Add(1, F("main", "dir\\\"x.py"), F(name, "a\"b.py", 7)).Profile;
        profile.Metadata.Command = $"python3 {name}";

        var graph = Render(profile, WriteOptions.Default);

        Assert.Equal(new[] { "main", name }.Order(StringComparer.Ordinal), graph.Nodes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("a\"b.py:7", graph.Nodes[name][1]);
        Assert.Equal("dir\\\"x.py:1", graph.Nodes["main"][1]);
        Assert.Equal($"python3 {name}", graph.Title[0]);
    }

    [Fact]
    public void Line_breaks_in_names_become_spaces()
    {
        var graph = Render(new ProfileBuilder().Add(1, F("two\nlines\r\u2028x")).Profile, WriteOptions.Default);

        // Graphviz writes runs of spaces as no-break spaces in SVG.
        Assert.Equal(["two lines  x"], graph.Nodes.Keys.Select(k => k.Replace('\u00A0', ' ')));
    }

    [Fact]
    public void Thread_roots_are_nodes_too()
    {
        var graph = Render(PprofWriterTests.Known(), new WriteOptions(ThreadRoots: true));

        Assert.Equal("84.62% (0.00%)", graph.Nodes["thread MainThread (100)"][1]);
        Assert.Contains(("thread Worker (200)", "loop"), graph.Edges.Keys);
    }

    [Theory]
    [InlineData(-1, 0.1)]
    [InlineData(0.5, 101)]
    [InlineData(double.NaN, 0.1)]
    public void Thresholds_outside_0_to_100_percent_are_usage_errors(double node, double edge)
    {
        var error = Assert.Throws<UsageException>(() => new DotWriter(new DotOptions(node, edge)));

        Assert.Contains("threshold", error.Message);
    }

    private static RenderedGraph Render(Profile profile, WriteOptions options, DotOptions? dot = null)
    {
        using var directory = new TempDirectory();
        return RenderedGraph.Render(directory.Write(new DotWriter(dot), profile, "graph.dot", options));
    }

    private static string Percent(double share) => (share * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
