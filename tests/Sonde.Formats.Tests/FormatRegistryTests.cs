using Sonde.Formats.Callgrind;
using Sonde.Formats.ChromeTrace;
using Sonde.Formats.Dot;
using Sonde.Formats.FlameGraph;
using Sonde.Formats.Folded;
using Sonde.Formats.Pprof;
using Sonde.Formats.Pstats;
using Sonde.Formats.Speedscope;
using Sonde.Profiles.Errors;

namespace Sonde.Formats.Tests;

public sealed class FormatRegistryTests
{
    [Theory]
    [InlineData("folded", typeof(FoldedWriter))]
    [InlineData("speedscope", typeof(SpeedscopeWriter))]
    [InlineData("flamegraph", typeof(FlameGraphWriter))]
    [InlineData("FlameGraph", typeof(FlameGraphWriter))]
    [InlineData("pprof", typeof(PprofWriter))]
    [InlineData("callgrind", typeof(CallgrindWriter))]
    [InlineData("chrome", typeof(ChromeTraceWriter))]
    [InlineData("dot", typeof(DotWriter))]
    [InlineData("pstats", typeof(PstatsWriter))]
    public void ForName_finds_the_writer(string name, Type expected)
    {
        var writer = FormatRegistry.ForName(name);

        Assert.IsType(expected, writer);
        Assert.Equal(name.ToLowerInvariant(), writer.FormatName);
    }

    [Theory]
    [InlineData("out.folded", "folded")]
    [InlineData("/tmp/stacks.txt", "folded")]
    [InlineData("profile.speedscope.json", "speedscope")]
    [InlineData("dir.svg/profile.SPEEDSCOPE.JSON", "speedscope")]
    [InlineData("flame.svg", "flamegraph")]
    [InlineData("Flame.SVG", "flamegraph")]
    [InlineData("cpu.pb.gz", "pprof")]
    [InlineData("cpu.pprof", "pprof")]
    [InlineData("/tmp/callgrind.out.4242", "callgrind")]
    [InlineData("run.callgrind", "callgrind")]
    [InlineData("run.trace.json", "chrome")]
    [InlineData("calls.dot", "dot")]
    [InlineData("run.prof", "pstats")]
    [InlineData("run.pstats", "pstats")]
    public void ForPath_chooses_by_extension(string path, string expected)
    {
        Assert.Equal(expected, FormatRegistry.ForPath(path)?.FormatName);
    }

    [Theory]
    [InlineData("profile.json")]
    [InlineData("svg")]
    [InlineData("out.folded.gz")]
    [InlineData("trace.json")]
    [InlineData("callgrind.out")]
    [InlineData("")]
    public void ForPath_is_null_for_unknown_files(string path)
    {
        Assert.Null(FormatRegistry.ForPath(path));
    }

    [Fact]
    public void Unknown_name_is_a_usage_error_listing_the_formats()
    {
        var error = Assert.Throws<UsageException>(() => FormatRegistry.ForName("pdf\nx"));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.DoesNotContain('\n', error.Message);
        foreach (var name in FormatRegistry.Names) Assert.Contains(name, error.Message);
    }

    [Fact]
    public void Every_name_round_trips()
    {
        Assert.Equal(["sonde", "speedscope", "folded", "flamegraph", "pprof", "callgrind", "chrome", "dot", "pstats"], FormatRegistry.Names);
        Assert.Equal(["sonde", "speedscope", "folded", "pprof", "pstats"], FormatRegistry.ReadableNames);
        foreach (var name in FormatRegistry.Names) Assert.Equal(name, FormatRegistry.ForName(name).FormatName);
    }

    [Fact]
    public void Every_writer_leaves_the_stream_open()
    {
        foreach (var name in FormatRegistry.Names)
        {
            using var stream = new MemoryStream();
            FormatRegistry.ForName(name).Write(ProfileBuilder.Sample(), stream, WriteOptions.Default);

            Assert.True(stream.CanWrite, name);
            Assert.True(stream.Length > 0, name);
        }
    }

    /// <summary>Contents decide, not names: every readable format is found under a name that says nothing.</summary>
    [Fact]
    public void ReadFile_recognizes_every_readable_format_by_its_contents()
    {
        using var temp = new Support.TempDirectory();
        foreach (var name in FormatRegistry.ReadableNames)
        {
            var path = temp.Write(FormatRegistry.ForName(name), ProfileBuilder.Sample(), $"{name}.data", new WriteOptions(ThreadRoots: true));

            var profile = FormatRegistry.ReadFile(path);

            Assert.Equal(name, profile.Metadata.Properties["source.format"]);
            if (profile.CallGraph is not null)
            {
                // pstats keeps time per function, not samples or threads: 6 samples at the 10 ms a bare count stands for.
                Assert.Equal(6 * (long)Sonde.Formats.Pstats.PstatsWriter.FallbackNanosecondsPerSample, profile.CallGraph.TotalOwnNs);
                continue;
            }
            Assert.Equal(6, profile.TotalWeight());
            Assert.Equal(["MainThread", "Worker"], profile.Threads.Select(t => t.Name));
        }
    }

    [Fact]
    public void ReadFile_names_the_file_when_nothing_recognizes_it()
    {
        using var temp = new Support.TempDirectory();
        var path = temp.File("notes.data");
        File.WriteAllText(path, "just some prose\nwithout any counts\n");

        var error = Assert.Throws<BadInputException>(() => FormatRegistry.ReadFile(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not a profile Sonde can read", error.Message);
    }
}
