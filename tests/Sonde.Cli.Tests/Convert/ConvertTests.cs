using System.Text;
using Sonde.Cli.Tests.Support;
using Sonde.Formats;
using Sonde.Formats.Folded;
using Sonde.Formats.Native;
using Sonde.Profiles;

namespace Sonde.Cli.Tests.Convert;

/// <summary>`sonde convert`, run as a user runs it: any reader to any writer, and one clear line for bad input.</summary>
public sealed class ConvertTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Profile SampleProfile()
    {
        var profile = new Profile(WeightType.Samples, WeightType.WallTime);
        profile.Metadata.Command = "python3 app.py";
        var main = new Frame("main", "/srv/app.py", 1, 4);
        var work = new Frame("work", "/srv/app.py", 10, 12);
        var a = profile.ThreadIndex(7, 70, "MainThread");
        var b = profile.ThreadIndex(7, 71, "worker");
        for (var i = 0; i < 30; i++)
        {
            profile.AddSample(profile.InternStack([main, work]), a, i * 10_000_000L, [1, 10_000_000]);
            if (i % 3 == 0) profile.AddSample(profile.InternStack([main]), b, i * 10_000_000L, [1, 9_000_000]);
        }
        return profile;
    }

    private string WriteSonde(Profile profile, string name = "in.sonde")
    {
        var path = _temp.File(name);
        using var stream = File.Create(path);
        new NativeWriter().Write(profile, stream, WriteOptions.Default);
        return path;
    }

    [Fact]
    public void Converts_a_sonde_file_to_folded_stacks_as_the_folded_writer_would()
    {
        var profile = SampleProfile();
        var input = WriteSonde(profile);
        var output = _temp.File("out.folded");

        var result = SondeCli.Run("convert", input, "-o", output, "--threads", "--lines");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var expected = new MemoryStream();
        new FoldedWriter().Write(profile, expected, new WriteOptions(ThreadRoots: true, Lines: true));
        Assert.Equal(Encoding.UTF8.GetString(expected.ToArray()), File.ReadAllText(output));
        Assert.Contains("40 samples", result.StdErr);
    }

    [Fact]
    public void A_chain_through_every_format_keeps_the_stacks()
    {
        var profile = SampleProfile();
        var path = WriteSonde(profile);
        // sonde -> folded -> sonde -> speedscope -> sonde: each step reads what the last wrote.
        foreach (var next in new[] { "a.folded", "b.sonde", "c.speedscope.json", "d.sonde" })
        {
            var output = _temp.File(next);
            var result = SondeCli.Run("convert", path, "-o", output, "--threads");
            Assert.True(result.ExitCode == 0, result.ToString());
            path = output;
        }

        var back = FormatRegistry.ReadFile(path);

        Assert.Equal(Totals(profile), Totals(back));
        Assert.Equal(["MainThread", "worker"], back.Threads.Select(t => t.Name));
    }

    [Fact]
    public void Pprof_reads_back_what_was_written_and_write_only_formats_write()
    {
        var profile = SampleProfile();
        var pprof = _temp.File("p.pb.gz");
        var toPprof = SondeCli.Run("convert", WriteSonde(profile), "-o", pprof);
        Assert.True(toPprof.ExitCode == 0, toPprof.ToString());
        foreach (var output in new[] { "back.sonde", "callgrind.out.1", "t.trace.json", "g.dot" })
        {
            var result = SondeCli.Run("convert", pprof, "-o", _temp.File(output));
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("(pprof)", result.StdErr);
        }

        var back = FormatRegistry.ReadFile(_temp.File("back.sonde"));

        Assert.Equal(Totals(profile), Totals(back));
        Assert.Equal(profile.TotalWeight(1), back.TotalWeight(1));
        Assert.Contains("fn=(2) work", File.ReadAllText(_temp.File("callgrind.out.1")));
        Assert.Contains("\"thread_name\"", File.ReadAllText(_temp.File("t.trace.json")));
    }

    [Theory]
    [InlineData("80", true)]
    [InlineData("70", false)]
    public void Dot_thresholds_leave_out_small_functions(string nodeThreshold, bool workLeftOut)
    {
        // work is on 30 of 40 samples: 75%.
        var output = _temp.File("calls.dot");

        var result = SondeCli.Run("convert", WriteSonde(SampleProfile()), "-o", output, "--node-threshold", nodeThreshold, "--edge-threshold", "0");

        Assert.True(result.ExitCode == 0, result.ToString());
        var dot = File.ReadAllText(output);
        Assert.Contains("label=\"main\\n", dot);
        Assert.Equal(workLeftOut, !dot.Contains("label=\"work\\n"));
    }

    [Theory]
    [InlineData("out.folded", "--node-threshold", "1", "only apply to dot output")]
    [InlineData("out.dot", "--node-threshold", "150", "--node-threshold must be a percentage")]
    [InlineData("out.dot", "--edge-threshold", "-1", "--edge-threshold must be a percentage")]
    public void Bad_thresholds_are_usage_errors(string output, string option, string value, string expected)
    {
        var result = SondeCli.Run("convert", WriteSonde(SampleProfile()), "-o", _temp.File(output), option, value);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr);
    }

    [Fact]
    public void Writes_a_flame_graph_chosen_by_format_name()
    {
        var output = _temp.File("flame.out");

        var result = SondeCli.Run("convert", WriteSonde(SampleProfile()), "-o", output, "-f", "flamegraph", "--weight", "wall");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("<svg", File.ReadAllText(output));
    }

    [Fact]
    public void A_corrupt_file_is_one_line_and_exit_4()
    {
        var input = WriteSonde(SampleProfile());
        var bytes = File.ReadAllBytes(input);
        bytes[40] ^= 0xFF;
        File.WriteAllBytes(input, bytes);

        var result = SondeCli.Run("convert", input, "-o", _temp.File("out.folded"));

        AssertOneLineError(result, 4, input);
        Assert.Contains("checksum", result.StdErr);
        Assert.False(File.Exists(_temp.File("out.folded")));
    }

    [Fact]
    public void An_unrecognised_file_is_one_line_and_exit_4()
    {
        var input = _temp.File("picture.png");
        File.WriteAllBytes(input, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);

        var result = SondeCli.Run("convert", input, "-o", _temp.File("out.folded"));

        AssertOneLineError(result, 4, input);
        Assert.Contains("not a profile Sonde can read", result.StdErr);
    }

    [Fact]
    public void A_missing_file_is_exit_4()
    {
        var input = _temp.File("missing.sonde");

        var result = SondeCli.Run("convert", input, "-o", _temp.File("out.folded"));

        AssertOneLineError(result, 4, input);
    }

    [Theory]
    [InlineData("-f", "pdf", "unknown output format")]
    [InlineData("--weight", "bytes", "no weight 'bytes'")]
    public void Bad_options_are_usage_errors(string option, string value, string expected)
    {
        var result = SondeCli.Run("convert", WriteSonde(SampleProfile()), "-o", _temp.File("out.folded"), option, value);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr);
    }

    [Fact]
    public void Without_an_output_it_is_a_usage_error()
    {
        var result = SondeCli.Run("convert", WriteSonde(SampleProfile()));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--output", result.StdErr);
    }

    [Fact]
    public void A_recording_that_was_cut_short_converts_with_a_warning()
    {
        using var stream = new MemoryStream();
        new NativeStreamWriter(stream).Append(SampleProfile());
        var input = _temp.File("killed.sonde");
        File.WriteAllBytes(input, stream.ToArray());
        var output = _temp.File("out.folded");

        var result = SondeCli.Run("convert", input, "-o", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("warning", result.StdErr);
        Assert.Contains("interrupted", result.StdErr);
        Assert.Equal(40, FoldedStacks.Load(output).Total);
    }

    [Fact]
    public void Help_has_examples()
    {
        var result = SondeCli.Run("convert", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Examples:", result.StdOut);
        Assert.Contains("sonde convert recording.sonde -o flame.svg", result.StdOut);
    }

    private static void AssertOneLineError(CommandResult result, int exitCode, string path)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.ToString());
        Assert.StartsWith("sonde: ", lines[0]);
        Assert.Contains(path, lines[0]);
    }

    private static SortedDictionary<string, long> Totals(Profile profile)
    {
        var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < profile.SampleCount; i++)
        {
            var key = profile.Threads[profile.ThreadIndexOf(i)].Name + "|" +
                      string.Join(";", profile.Stacks.FramesOf(profile.StackIdOf(i)).Select(f => profile.Frames[f].FunctionKey.Label));
            totals[key] = totals.GetValueOrDefault(key) + profile.WeightOf(i, 0);
        }
        return totals;
    }
}
