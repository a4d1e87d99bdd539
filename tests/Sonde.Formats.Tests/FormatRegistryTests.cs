using Sonde.Formats.FlameGraph;
using Sonde.Formats.Folded;
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
        Assert.Equal(["folded", "speedscope", "flamegraph", "pstats"], FormatRegistry.Names);
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
}
