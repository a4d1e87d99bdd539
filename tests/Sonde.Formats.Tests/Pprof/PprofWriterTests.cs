using Sonde.Formats.Pprof;
using Sonde.Formats.Tests.Support;
using Sonde.Profiles;
using Sonde.Profiles.Views;
using static Sonde.Formats.Tests.ProfileBuilder;

namespace Sonde.Formats.Tests.Pprof;

public sealed class PprofWriterTests
{
    private const long Ms = 1_000_000;

    /// <summary>
    /// main → work → compute ×30, main → work ×20 and main → helper ×5 on MainThread at 10 ms a sample, and
    /// loop → compute ×10 on Worker at 20 ms a sample, so counts and wall time rank differently.
    /// </summary>
    internal static Profile Known()
    {
        var builder = new ProfileBuilder(WeightType.Samples, WeightType.WallTime);
        var main = F("main", "app.py", 1);
        var work = F("work", "app.py", 10);
        var compute = F("compute", "lib.py", 5);
        void Add(string thread, long tid, int count, long wall, params Frame[] stack)
        {
            for (var i = 0; i < count; i++) builder.AddWeighted(thread, tid, [1, wall], stack);
        }
        Add("MainThread", 100, 30, 10 * Ms, main, work, compute with { Line = 7 });
        Add("MainThread", 100, 20, 10 * Ms, main, work with { Line = 12 });
        Add("MainThread", 100, 5, 10 * Ms, main with { Line = 3 }, F("helper", "app.py", 30, 31));
        Add("Worker", 200, 10, 20 * Ms, F("loop", "worker.py", 2, 4), compute with { Line = 8 });
        var profile = builder.Profile;
        profile.Metadata.Command = "python3 app.py";
        profile.Metadata.StartTime = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        profile.Metadata.Duration = TimeSpan.FromSeconds(1.5);
        profile.Metadata.Sampler.RequestedRateHz = 100;
        return profile;
    }

    [Theory]
    [InlineData("samples")]
    [InlineData("wall")]
    public void Go_pprof_top_shows_each_functions_flat_and_cum(string sampleIndex)
    {
        var go = ExternalTool.Require("go", "golang-go");
        var profile = Known();
        using var directory = new TempDirectory();
        var file = directory.Write(new PprofWriter(), profile, "profile.pb.gz");

        var result = ExternalTool.Run(go, ["tool", "pprof", "-top", "-nodecount=100", "-unit=ns", $"-sample_index={sampleIndex}", file]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var top = PprofTop.Parse(result.StdOut);
        var weight = profile.WeightIndex(sampleIndex);
        var expected = FunctionTable.Build(profile, weight);
        Assert.Equal(profile.TotalWeight(weight), top.Total);
        Assert.Equal(expected.Count, top.Rows.Count);
        foreach (var function in expected)
            Assert.Equal((function.Own, function.Total), top[function.Function.Function]);
        Assert.Equal("compute", top.Rows[0].Name);
        Assert.Equal(sampleIndex == "samples" ? 40 : 500 * Ms, top.Rows[0].Flat);
    }

    [Fact]
    public void Go_pprof_shows_executing_lines_when_lines_are_kept()
    {
        var go = ExternalTool.Require("go", "golang-go");
        using var directory = new TempDirectory();
        var file = directory.Write(new PprofWriter(), Known(), "lines.pb.gz", new WriteOptions(Lines: true));

        var result = ExternalTool.Run(go, ["tool", "pprof", "-top", "-lines", "-sample_index=samples", file]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var top = PprofTop.Parse(result.StdOut);
        Assert.Equal((30, 30), top["compute lib.py:7"]);
        Assert.Equal((10, 10), top["compute lib.py:8"]);
        Assert.Equal((20, 20), top["work app.py:12"]);
        Assert.Equal((0, 30), top["work app.py:10"]);
    }

    [Fact]
    public void Without_lines_each_function_sits_at_its_first_line()
    {
        var go = ExternalTool.Require("go", "golang-go");
        using var directory = new TempDirectory();
        var file = directory.Write(new PprofWriter(), Known(), "functions.pb.gz");

        var result = ExternalTool.Run(go, ["tool", "pprof", "-top", "-lines", "-sample_index=samples", file]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var top = PprofTop.Parse(result.StdOut);
        Assert.Equal((40, 40), top["compute lib.py:5"]);
        Assert.Equal((20, 50), top["work app.py:10"]);
    }

    [Fact]
    public void Go_pprof_sees_thread_labels_and_the_default_sample_type()
    {
        var go = ExternalTool.Require("go", "golang-go");
        using var directory = new TempDirectory();
        var file = directory.Write(new PprofWriter(), Known(), "tags.pb.gz", new WriteOptions(WeightIndex: 1));

        var tags = ExternalTool.Run(go, ["tool", "pprof", "-tags", "-sample_index=samples", file]);
        var focused = ExternalTool.Run(go, ["tool", "pprof", "-top", "-tagfocus=thread=Worker", "-unit=ns", file]);

        Assert.True(tags.ExitCode == 0, tags.ToString());
        Assert.Contains("MainThread", tags.StdOut);
        Assert.Contains("Worker", tags.StdOut);
        Assert.Contains("thread_id", tags.StdOut);
        Assert.True(focused.ExitCode == 0, focused.ToString());
        // Without -sample_index pprof shows the default sample type, here wall time: Worker's 10 × 20 ms.
        var top = PprofTop.Parse(focused.StdOut);
        Assert.Equal(200 * Ms, top["compute"].Cum);
        Assert.DoesNotContain(top.Rows, r => r.Name == "work");
    }

    [Fact]
    public void Go_pprof_shows_pythons_angle_bracket_names_as_they_are()
    {
        var go = ExternalTool.Require("go", "golang-go");
        var profile = new ProfileBuilder()
            .Add(3, F("<module>", "app.py", 1), F("<listcomp>", "app.py", 4))
            .Add(2, F("<module>", "app.py", 1), F("Cache.get<T>", "app.py", 9), F("<lambda>", "app.py", 12))
            .Profile;
        using var directory = new TempDirectory();
        var file = directory.Write(new PprofWriter(), profile, "names.pb.gz");

        var result = ExternalTool.Run(go, ["tool", "pprof", "-top", file]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var top = PprofTop.Parse(result.StdOut);
        Assert.Equal((0, 5), top["<module>"]);
        Assert.Equal((3, 3), top["<listcomp>"]);
        Assert.Equal((0, 2), top["Cache.get<T>"]);
        Assert.Equal((2, 2), top["<lambda>"]);
    }

    [Fact]
    public void Output_is_gzip_and_the_same_profile_gives_the_same_bytes()
    {
        var first = Bytes(Known());
        var second = Bytes(Known());

        Assert.Equal(0x1F, first[0]);
        Assert.Equal(0x8B, first[1]);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Samples_without_frames_or_weight_are_left_out()
    {
        var profile = new Profile(WeightType.Samples);
        var thread = profile.ThreadIndex(1, 7, "t");
        profile.AddSample(StackTable.Root, thread, 0);
        profile.AddSample(profile.InternStack([F("zero")]), thread, 0, [0]);
        profile.AddSample(profile.InternStack([F("one")]), thread, 0, [1]);

        var read = new PprofReader().Read(new MemoryStream(Bytes(profile)), "test");

        Assert.Equal(1, read.SampleCount);
        Assert.Equal("one", read.Frames[read.Stacks.FrameOf(read.StackIdOf(0))].Function);
    }

    internal static byte[] Bytes(Profile profile, WriteOptions? options = null)
    {
        using var stream = new MemoryStream();
        new PprofWriter().Write(profile, stream, options ?? WriteOptions.Default);
        return stream.ToArray();
    }
}
