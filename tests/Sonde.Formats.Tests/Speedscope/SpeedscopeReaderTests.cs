using System.Text;
using Sonde.Formats.Speedscope;
using Sonde.Profiles;
using Sonde.Profiles.Errors;

namespace Sonde.Formats.Tests.Speedscope;

public sealed class SpeedscopeReaderTests
{
    private readonly SpeedscopeReader _reader = new();

    private Profile Read(string json) => _reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "x.speedscope.json");

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Sondes_own_output_reads_back_to_the_same_stacks_per_thread(bool threads, bool lines)
    {
        var profile = RichProfile.Create(repeat: 2, extremeWeights: false);
        for (var weight = 0; weight < profile.WeightTypes.Count; weight++)
        {
            var json = ProfileBuilder.Write(new SpeedscopeWriter(), profile, new WriteOptions(weight, ThreadRoots: threads, Lines: lines));

            var back = Read(json);

            // speedscope keeps a unit but no name for the weight, so CPU time reads back as time, which Sonde calls wall.
            Assert.Equal(profile.WeightTypes[weight].Unit, back.WeightTypes.Single().Unit);
            Assert.Equal(profile.Metadata.Command, back.Metadata.Command);
            Assert.Equal(ProfileAssert.StackTotals(profile, weight, byThread: true, lines), ProfileAssert.StackTotals(back, 0, byThread: true));
            Assert.Equal(profile.Threads.Select(t => (t.ThreadId, t.Name)), back.Threads.Select(t => (t.ThreadId, t.Name)));
            Assert.DoesNotContain(back.Frames.All, f => f.Function.StartsWith("thread ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Samples_keep_their_order_and_time()
    {
        var json = ProfileBuilder.Write(new SpeedscopeWriter(), RichProfile.Create(extremeWeights: false), new WriteOptions(WeightIndex: 1));

        var back = Read(json);

        // Each thread's samples follow each other from the start value, each as long as its weight.
        var main = Enumerable.Range(0, back.SampleCount).Where(i => back.ThreadIndexOf(i) == 0).ToList();
        for (var k = 1; k < main.Count; k++)
            Assert.Equal(back.TimestampOf(main[k - 1]) + back.WeightOf(main[k - 1], 0), back.TimestampOf(main[k]));
    }

    [Fact]
    public void Evented_profiles_become_weighted_stacks()
    {
        var back = Read("""
            {"$schema": "https://www.speedscope.app/file-format-schema.json",
             "shared": {"frames": [{"name": "main", "file": "app.py", "line": 1}, {"name": "work", "file": "app.py", "line": 10}]},
             "profiles": [{"type": "evented", "name": "requests", "unit": "milliseconds", "startValue": 0, "endValue": 12,
               "events": [{"type": "O", "frame": 0, "at": 0}, {"type": "O", "frame": 1, "at": 2}, {"type": "C", "frame": 1, "at": 5},
                          {"type": "C", "frame": 0, "at": 10}, {"type": "O", "frame": 0, "at": 11}]}]}
            """);

        Assert.Equal([WeightType.WallTime], back.WeightTypes);
        Assert.Equal(new SortedDictionary<string, long>(StringComparer.Ordinal)
        {
            // 0-2 ms and 5-10 ms in main, and 11-12 ms, closed by the end value.
            ["main (app.py:1)"] = 8_000_000,
            ["main (app.py:1);work (app.py:10)"] = 3_000_000,
        }, ProfileAssert.StackTotals(back));
        Assert.Equal([new ThreadInfo(0, 0, "requests")], back.Threads);
        Assert.Equal([0L, 2_000_000, 5_000_000, 11_000_000], Enumerable.Range(0, back.SampleCount).Select(back.TimestampOf));
    }

    [Fact]
    public void Reads_other_exporters_units_and_names()
    {
        var back = Read("""
            {"exporter": "py-spy@0.3.14", "name": "py-spy profile", "activeProfileIndex": 0,
             "$schema": "https://www.speedscope.app/file-format-schema.json",
             "shared": {"frames": [{"name": "<module>", "file": "/srv/app.py", "line": 3, "col": null}, {"name": "run"}]},
             "profiles": [{"type": "sampled", "name": "MainThread", "unit": "seconds", "startValue": 0.5, "endValue": 0.53,
                           "samples": [[0, 1], [0]], "weights": [0.01, 0.02]}]}
            """);

        Assert.Equal("py-spy profile", back.Metadata.Command);
        Assert.Equal("py-spy@0.3.14", back.Metadata.Properties["speedscope.exporter"]);
        Assert.Equal([10_000_000L, 20_000_000], Enumerable.Range(0, 2).Select(i => back.WeightOf(i, 0)));
        Assert.Equal([500_000_000L, 510_000_000], Enumerable.Range(0, 2).Select(back.TimestampOf));
        Assert.Equal(new Frame("run", "", 0), back.Frames[back.Stacks.FrameOf(back.StackIdOf(0))]);
    }

    [Theory]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"shared": {"frames": []}}""", "no 'profiles'")]
    [InlineData("""{"shared": {"frames": []}, "profiles": [{"type": "sampled", "unit": "none", "startValue": 0, "samples": [[0]], "weights": [1]}]}""", "frame")]
    [InlineData("""{"shared": {"frames": [{"name": "a"}]}, "profiles": [{"type": "sampled", "unit": "none", "startValue": 0, "samples": [[0]], "weights": []}]}""", "1 samples but 0 weights")]
    [InlineData("""{"shared": {"frames": [{"name": "a"}]}, "profiles": [{"type": "sampled", "unit": "furlongs", "startValue": 0, "samples": [], "weights": []}]}""", "unknown unit")]
    [InlineData("""{"shared": {"frames": [{"name": "a"}]}, "profiles": [{"type": "sampled", "unit": "bytes", "startValue": 0, "samples": [], "weights": []}, {"type": "sampled", "unit": "seconds", "startValue": 0, "samples": [], "weights": []}]}""", "mix units")]
    [InlineData("""{"shared": {"frames": [{"name": "a"}, {"name": "b"}]}, "profiles": [{"type": "evented", "unit": "none", "startValue": 0, "endValue": 1, "events": [{"type": "O", "frame": 0, "at": 0}, {"type": "C", "frame": 1, "at": 1}]}]}""", "not the innermost")]
    [InlineData("""{"shared": {"frames": [{"name": "a"}]}, "profiles": [{"type": "evented", "unit": "none", "startValue": 0, "endValue": 1, "events": [{"type": "O", "frame": 0, "at": 5}, {"type": "C", "frame": 0, "at": 1}]}]}""", "out of time order")]
    [InlineData("""{"shared": {"frames": [{"name": "a"}]}, "profiles": [{"type": "sampled", "unit": "none", "startValue": 0, "samples": [[0]], "weights": [1e300]}]}""", "out of range")]
    [InlineData("""{"shared": {"frames": [{"name": "a"}]}, "profiles": [""", "x.speedscope.json")]
    public void Malformed_files_say_what_is_wrong(string json, string expected)
    {
        var error = Assert.Throws<BadInputException>(() => Read(json));

        Assert.Contains("x.speedscope.json", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("""{"$schema":"https://www.speedscope.app/file-format-schema.json","shared":{}}""", true)]
    [InlineData("\uFEFF  \n{\"exporter\": \"x\", \"$schema\": \"https://www.speedscope.app/file-format-schema.json\"}", true)]
    [InlineData("""{"traceEvents": []}""", false)]
    [InlineData("main 1\n", false)]
    public void Recognizes_speedscope_json_by_its_schema(string head, bool expected)
    {
        Assert.Equal(expected, _reader.Recognizes(Encoding.UTF8.GetBytes(head)));
    }
}
