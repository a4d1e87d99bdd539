using System.Text;
using Sonde.Formats.Folded;
using Sonde.Profiles;
using Sonde.Profiles.Errors;
using Sonde.Profiles.Views;

namespace Sonde.Formats.Tests.Folded;

public sealed class FoldedReaderTests
{
    private readonly FoldedReader _reader = new();

    private Profile Read(string text) => _reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "stacks.folded");

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Sondes_own_output_reads_back_to_the_same_stacks(bool threads, bool lines)
    {
        var profile = RichProfile.Create(repeat: 2, extremeWeights: false);
        for (var weight = 0; weight < profile.WeightTypes.Count; weight++)
        {
            var text = ProfileBuilder.Write(new FoldedWriter(), profile, new WriteOptions(weight, ThreadRoots: threads, Lines: lines));

            var back = Read(text);

            Assert.Equal([WeightType.Samples], back.WeightTypes);
            Assert.Equal(Sanitized(ProfileAssert.StackTotals(profile, weight, threads, lines)), ProfileAssert.StackTotals(back, 0, threads));
            Assert.Equal(text, ProfileBuilder.Write(new FoldedWriter(), back, new WriteOptions(ThreadRoots: threads)));
        }
    }

    [Fact]
    public void Thread_roots_become_the_samples_threads()
    {
        var text = ProfileBuilder.Write(new FoldedWriter(), ProfileBuilder.Sample(), new WriteOptions(ThreadRoots: true));

        var back = Read(text);

        Assert.Equal([new ThreadInfo(0, 100, "MainThread"), new ThreadInfo(0, 200, "Worker")], back.Threads);
        Assert.All(back.Frames.All, f => Assert.DoesNotContain("thread", f.Function));
        Assert.Equal(new Frame("compute", "lib.py", 5), back.Frames.All.Single(f => f.Function == "compute"));
    }

    [Fact]
    public void Reads_py_spy_labels_and_pseudo_frames()
    {
        var back = Read("""
            process 4242:"python3 app.py --fast";thread (4243);<module> (app.py:1);work (app.py:10) 7
            process 4242:"python3 app.py --fast";thread (0x7F3A00): pool-1;<module> (app.py:1);wait (threading.py) 3
            <module> (app.py:1) 1

            """);

        Assert.Equal([new ThreadInfo(4242, 4243, ""), new ThreadInfo(4242, 0x7F3A00, "pool-1"), new ThreadInfo(0, 0, "")], back.Threads);
        Assert.Equal("python3 app.py --fast", back.Metadata.Command);
        Assert.Equal(4242, back.Metadata.ProcessId);
        Assert.Contains(new Frame("wait", "threading.py", 0), back.Frames.All);
        Assert.Equal("wait (threading.py)", back.Frames.All.Single(f => f.Function == "wait").Label);
        Assert.Equal(new SortedDictionary<string, long>(StringComparer.Ordinal)
        {
            ["<module> (app.py:1)"] = 1,
            ["<module> (app.py:1);wait (threading.py)"] = 3,
            ["<module> (app.py:1);work (app.py:10)"] = 7,
        }, ProfileAssert.StackTotals(back));
    }

    [Fact]
    public void Reads_flamegraph_pl_input_with_bare_names()
    {
        var back = Read("swapper;start_kernel;rest_init;cpu_idle 2\r\nbash;[unknown];__libc_start_main 13\n\n  \n");

        Assert.Equal(15, back.TotalWeight());
        Assert.Equal(new Frame("[unknown]", "", 0), back.Frames.All.Single(f => f.Function == "[unknown]"));
        Assert.Equal(4, back.Stacks.DepthOf(back.StackIdOf(0)));
    }

    [Fact]
    public void Reads_Austin_3_samples_with_their_header_and_footer()
    {
        var back = Read("""
            # austin: 3.6.0
            # interval: 100
            # mode: wall
            # python: 3.11.4

            P42;T0:43;/srv/app.py:<module>:1;/srv/app.py:work:12 100
            P42;T0:43;/srv/app.py:<module>:1;/srv/app.py:work:13 150
            P42;T0:44;/srv/app.py:<module>:1;:GC: 20
            P42;T0:44 50

            # duration: 1234
            """);

        Assert.Equal([WeightType.Samples, WeightType.WallTime], back.WeightTypes);
        Assert.Equal([new ThreadInfo(42, 43, ""), new ThreadInfo(42, 44, "")], back.Threads);
        Assert.Equal(new Frame("work", "/srv/app.py", 0, 12), back.Frames[back.Stacks.FrameOf(back.StackIdOf(0))]);
        var work = FunctionTable.Build(back, weightIndex: 1).Single(f => f.Function.Function == "work");
        Assert.Equal(250_000, work.Own);
        Assert.Equal("work (/srv/app.py)", work.Function.Label);
        Assert.Equal(StackTable.Root, back.StackIdOf(3));
        Assert.Contains(new Frame("GC", "", 0), back.Frames.All);
        Assert.Equal("3.11.4", back.Metadata.PythonVersion);
        Assert.Equal(TimeSpan.FromMicroseconds(1234), back.Metadata.Duration);
        Assert.Equal(10_000, back.Metadata.Sampler.RequestedRateHz);
        Assert.Equal("3.6.0", back.Metadata.Properties["austin.austin"]);
        // Each thread's samples follow each other, so a sample's time is its thread's time so far.
        Assert.Equal([0L, 100_000, 0, 20_000], Enumerable.Range(0, 4).Select(back.TimestampOf));
    }

    [Fact]
    public void Reads_Austins_alternative_format_and_full_metrics()
    {
        var back = Read("""
            # austin: 3.6.0
            # mode: full
            P7;T0:8;/srv/app.py:main;L3;/srv/app.py:alloc;L20 1000,0,4096
            P7;T0:8;/srv/app.py:main;L3;/srv/app.py:alloc;L21 500,1,-1024
            """);

        Assert.Equal(["samples", "wall", "cpu", "alloc-bytes", "dealloc-bytes"], back.WeightTypes.Select(w => w.Name));
        Assert.Equal([1L, 1_000_000, 1_000_000, 4096, 0], Enumerable.Range(0, 5).Select(w => back.WeightOf(0, w)));
        Assert.Equal([1L, 500_000, 0, 0, 1024], Enumerable.Range(0, 5).Select(w => back.WeightOf(1, w)));
        Assert.Equal(new Frame("alloc", "/srv/app.py", 0, 21), back.Frames[back.Stacks.FrameOf(back.StackIdOf(1))]);
    }

    [Theory]
    [InlineData("a;b 1\na;b\n", "line 2")]
    [InlineData("a;b 1\na;b x\n", "line 2")]
    [InlineData("a;b -1\n", "negative")]
    [InlineData("# only a comment\n", "no stacks")]
    [InlineData("", "no stacks")]
    [InlineData("P1;T1;/a.py:f:1 10\nP1;X1;/a.py:f:1 10\n", "line 2")]
    [InlineData("P1;T1;/a.py:f:x 10\n", "line number")]
    [InlineData("a 99999999999999999999\n", "line 1")]
    public void Malformed_lines_are_reported_with_their_number(string text, string expected)
    {
        var error = Assert.Throws<BadInputException>(() => Read(text));

        Assert.Contains("stacks.folded", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_line_longer_than_the_cap_is_an_error_not_an_endless_buffer()
    {
        var error = Assert.Throws<BadInputException>(() => Read(new string('a', (16 << 20) + 10) + " 1\n"));

        Assert.Contains("longer than", error.Message);
    }

    [Theory]
    [InlineData("main (app.py:1);work (app.py:10) 2\n", true)]
    [InlineData("# austin: 3.6.0\n# mode: wall\n", true)]
    [InlineData("P1;T0:2;/a.py:f:1 100,0,12\n", true)]
    [InlineData("{\"$schema\": 1}\n", false)]
    [InlineData("just some prose\nwithout counts\n", false)]
    [InlineData("SONDE\0\u0001\0", false)]
    public void Recognizes_folded_text_by_its_first_stack(string head, bool expected)
    {
        Assert.Equal(expected, _reader.Recognizes(Encoding.UTF8.GetBytes(head)));
    }

    /// <summary>The labels the folded writer makes of hostile names: <c>;</c> becomes <c>,</c>, line breaks spaces.</summary>
    private static SortedDictionary<string, long> Sanitized(SortedDictionary<string, long> totals)
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, value) in totals)
        {
            var fixedKey = key.Replace("evil;name\nwith", "evil,name with").Replace("we ird;dir", "we ird,dir");
            result[fixedKey] = result.GetValueOrDefault(fixedKey) + value;
        }
        return result;
    }
}
