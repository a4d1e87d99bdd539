using Sonde.Formats.Callgrind;
using Sonde.Formats.Tests.Pprof;
using Sonde.Formats.Tests.Support;
using Sonde.Profiles;
using Sonde.Profiles.Views;
using static Sonde.Formats.Tests.ProfileBuilder;

namespace Sonde.Formats.Tests.Callgrind;

public sealed class CallgrindWriterTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Callgrind_annotate_reads_totals_and_every_functions_cost(bool inclusive)
    {
        var profile = PprofWriterTests.Known();
        using var directory = new TempDirectory();
        var file = directory.Write(new CallgrindWriter(), profile, "callgrind.out.1");

        var annotate = CallgrindAnnotate.Run(file, events: 2, inclusive);

        for (var w = 0; w < 2; w++)
        {
            Assert.Equal(profile.TotalWeight(w), annotate.Totals[w]);
            var expected = FunctionTable.Build(profile, w);
            Assert.Equal(expected.Count, annotate.Functions.Count);
            foreach (var function in expected)
                Assert.Equal(inclusive ? function.Total : function.Own, annotate.Functions[Name(function.Function)][w]);
        }
        Assert.Equal(inclusive ? "app.py:main" : "lib.py:compute", annotate.FunctionOrder[0]);
    }

    [Fact]
    public void Recursion_counts_each_sample_once_in_inclusive_costs()
    {
        var f = F("fib", "r.py", 1);
        var a = F("ping", "r.py", 10);
        var b = F("pong", "r.py", 20);
        var main = F("main", "r.py", 30);
        var leaf = F("leaf", "r.py", 40);
        var profile = new ProfileBuilder()
            .Add(7, main, f, f, f, leaf)
            .Add(5, main, f, f)
            .Add(3, main, a, b, a, b, leaf)
            .Add(2, main, a, b, a)
            .Add(4, main, leaf)
            .Profile;
        using var directory = new TempDirectory();
        var file = directory.Write(new CallgrindWriter(), profile, "recursion.callgrind");

        var annotate = CallgrindAnnotate.Run(file, events: 1, inclusive: true);

        Assert.Equal(21, annotate.Totals[0]);
        foreach (var function in FunctionTable.Build(profile))
        {
            Assert.Equal(function.Total, annotate.Functions[Name(function.Function)][0]);
            Assert.True(function.Total <= 21);
        }
        Assert.Equal(12, annotate.Functions["r.py:fib"][0]);
        Assert.Equal(14, annotate.Functions["r.py:leaf"][0]);
        // A direct call to itself adds nothing and is left out.
        Assert.DoesNotContain("cfn=(2)\n", File.ReadAllText(file).Split("fn=(2) fib")[1].Split("\nfn=")[0]);
    }

    [Fact]
    public void Own_costs_sit_on_executing_lines_in_annotated_source_when_lines_are_kept()
    {
        using var directory = new TempDirectory();
        File.WriteAllLines(directory.File("lib.py"), Enumerable.Range(1, 12).Select(i => $"line_{i} = {i}"));
        var compute = F("compute", "lib.py", 5);
        var profile = new ProfileBuilder()
            .Add(6, F("main", "main.py"), compute with { Line = 7 })
            .Add(3, F("main", "main.py"), compute with { Line = 9 })
            .Profile;
        var file = directory.Write(new CallgrindWriter(), profile, "callgrind.out.lines", new WriteOptions(Lines: true));

        var annotate = CallgrindAnnotate.Run(file, events: 1, inclusive: false, annotateSources: true);

        Assert.Equal(6, annotate.SourceLines.Single(l => l.Text == "line_7 = 7").Costs[0]);
        Assert.Equal(3, annotate.SourceLines.Single(l => l.Text == "line_9 = 9").Costs[0]);
        Assert.Equal(0, annotate.SourceLines.Single(l => l.Text == "line_5 = 5").Costs[0]);
    }

    [Fact]
    public void Without_lines_own_costs_sit_on_the_first_line()
    {
        var compute = F("compute", "lib.py", 5);
        var profile = new ProfileBuilder().Add(6, compute with { Line = 7 }).Add(3, compute with { Line = 9 }).Profile;

        var text = Write(profile);

        Assert.Contains("fn=(1) compute\n5 9\n", text);
    }

    [Fact]
    public void Hostile_names_stay_on_their_line_and_homonyms_stay_apart()
    {
        var profile = new ProfileBuilder()
            .Add(2, F("main", "a.py"), F("evil\nfn=(1) injected", "b\r\n.py", 3))
            .Add(3, F("main", "a.py"), F("<lambda>", "a.py", 10))
            .Add(4, F("main", "a.py"), F("<lambda>", "a.py", 20))
            .Add(1, F("main", "a.py"), F("(7) paren", "a.py", 30))
            .Profile;
        using var directory = new TempDirectory();
        var file = directory.Write(new CallgrindWriter(), profile, "callgrind.out.hostile");

        var annotate = CallgrindAnnotate.Run(file, events: 1, inclusive: false);

        Assert.Equal(2, annotate.Functions["b  .py:evil fn=(1) injected"][0]);
        Assert.Equal(3, annotate.Functions["a.py:<lambda> (line 10)"][0]);
        Assert.Equal(4, annotate.Functions["a.py:<lambda> (line 20)"][0]);
        Assert.Equal(1, annotate.Functions["a.py:(7) paren"][0]);
        Assert.Equal(5, annotate.Functions.Count);
    }

    [Fact]
    public void Thread_roots_become_functions_of_an_unknown_file()
    {
        var profile = PprofWriterTests.Known();
        using var directory = new TempDirectory();
        var file = directory.Write(new CallgrindWriter(), profile, "callgrind.out.threads", new WriteOptions(ThreadRoots: true));

        var annotate = CallgrindAnnotate.Run(file, events: 2, inclusive: true);

        Assert.Equal(55, annotate.Functions["???:thread MainThread (100)"][0]);
        Assert.Equal(200_000_000, annotate.Functions["???:thread Worker (200)"][1]);
    }

    [Fact]
    public void Header_names_the_events_and_the_command()
    {
        var text = Write(PprofWriterTests.Known());

        Assert.StartsWith("# callgrind format\nversion: 1\n", text);
        Assert.Contains("cmd: python3 app.py\n", text);
        Assert.Contains("event: Wall_ns : wall (nanoseconds)\nevents: Samples Wall_ns\nsummary: 65 750000000\n", text);
    }

    private static string Name(FunctionKey function) => $"{(function.File.Length > 0 ? function.File : "???")}:{function.Function}";

    private static string Write(Profile profile, WriteOptions? options = null) => ProfileBuilder.Write(new CallgrindWriter(), profile, options);
}
