using System.Text.Json;
using Sonde.Formats.Speedscope;
using Sonde.Profiles;
using static Sonde.Formats.Tests.ProfileBuilder;

namespace Sonde.Formats.Tests.Speedscope;

public sealed class SpeedscopeWriterTests
{
    private static readonly JsonDocument _schema =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Speedscope", "file-format-schema.json")));

    private readonly SpeedscopeWriter _writer = new();

    [Fact]
    public void Output_satisfies_the_schema()
    {
        using var file = WriteAndParse(Sample(), new WriteOptions(ThreadRoots: true, Title: "python app.py"));
        var root = file.RootElement;

        Assert.Empty(SchemaCheck.Errors(_schema.RootElement, root));
        Assert.Equal(SpeedscopeWriter.SchemaUrl, root.GetProperty("$schema").GetString());
        Assert.Equal("python app.py", root.GetProperty("name").GetString());
        Assert.True(root.GetProperty("shared").GetProperty("frames").GetArrayLength() > 0);
        foreach (var profile in root.GetProperty("profiles").EnumerateArray())
        {
            Assert.Equal("sampled", profile.GetProperty("type").GetString());
            foreach (var required in new[] { "name", "unit", "startValue", "endValue", "samples", "weights" })
                Assert.True(profile.TryGetProperty(required, out _), required);
            Assert.Equal(profile.GetProperty("samples").GetArrayLength(), profile.GetProperty("weights").GetArrayLength());
        }
    }

    [Fact]
    public void One_profile_per_thread_with_its_stacks_and_weights()
    {
        using var file = WriteAndParse(Sample(), WriteOptions.Default);

        var threads = ReadBack(file.RootElement);

        Assert.Equal(["thread MainThread (100)", "thread Worker (200)"], threads.Keys);
        Assert.Equal(
            [("main (app.py:1);work (app.py:10);compute (lib.py:5)", 3L), ("main (app.py:1);work (app.py:10)", 2L)],
            threads["thread MainThread (100)"]);
        Assert.Equal([("main (app.py:1);idle (app.py:20)", 1L)], threads["thread Worker (200)"]);

        var main = file.RootElement.GetProperty("profiles")[0];
        Assert.Equal("none", main.GetProperty("unit").GetString());
        Assert.Equal(0, main.GetProperty("startValue").GetInt64());
        Assert.Equal(5, main.GetProperty("endValue").GetInt64());
        Assert.Equal(0, file.RootElement.GetProperty("activeProfileIndex").GetInt32());
    }

    [Fact]
    public void Frames_carry_name_file_and_line()
    {
        using var file = WriteAndParse(Sample(), WriteOptions.Default);

        var frames = file.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray()
            .Select(f => (f.GetProperty("name").GetString(), f.GetProperty("file").GetString(), f.GetProperty("line").GetInt32()))
            .ToList();

        Assert.Equal([("main", "app.py", 1), ("work", "app.py", 10), ("compute", "lib.py", 5), ("idle", "app.py", 20)], frames);
    }

    [Fact]
    public void Thread_roots_add_a_named_frame_without_file()
    {
        using var file = WriteAndParse(Sample(), new WriteOptions(ThreadRoots: true));

        var threads = ReadBack(file.RootElement);

        Assert.Equal([("thread Worker (200);main (app.py:1);idle (app.py:20)", 1L)], threads["thread Worker (200)"]);
        var root = file.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray()
            .Single(f => f.GetProperty("name").GetString() == "thread Worker (200)");
        Assert.False(root.TryGetProperty("file", out _));
    }

    [Fact]
    public void Consecutive_equal_stacks_merge_but_order_is_kept()
    {
        var a = new[] { F("main"), F("a") };
        var b = new[] { F("main"), F("b") };
        var profile = new ProfileBuilder().Add(2, a).Add(1, b).Add(3, a).Profile;
        using var file = WriteAndParse(profile, WriteOptions.Default);

        Assert.Equal(
            [("main (app.py:1);a (app.py:1)", 2L), ("main (app.py:1);b (app.py:1)", 1L), ("main (app.py:1);a (app.py:1)", 3L)],
            ReadBack(file.RootElement)["thread MainThread (100)"]);
    }

    [Theory]
    [InlineData(0, "none", 3L)]
    [InlineData(1, "nanoseconds", 3_000L)]
    [InlineData(2, "bytes", 300L)]
    public void Unit_follows_the_weight_type(int weightIndex, string unit, long total)
    {
        var builder = new ProfileBuilder(WeightType.Samples, WeightType.WallTime, WeightType.AllocBytes);
        builder.AddWeighted("MainThread", 100, [1, 1_000, 100], F("main"));
        builder.AddWeighted("MainThread", 100, [2, 2_000, 200], F("main"), F("f"));
        using var file = WriteAndParse(builder.Profile, new WriteOptions(WeightIndex: weightIndex));

        var profile = file.RootElement.GetProperty("profiles")[0];
        Assert.Equal(unit, profile.GetProperty("unit").GetString());
        Assert.Equal(total, profile.GetProperty("endValue").GetInt64());
        Assert.Equal(total, profile.GetProperty("weights").EnumerateArray().Sum(w => w.GetInt64()));
    }

    [Fact]
    public void Hostile_names_survive_the_round_trip()
    {
        const string name = "</script>\"quoted\"\\back\u0000\n\u2028é😀";
        var profile = new ProfileBuilder().Add(name, 1, 1, F(name, name, 7)).Profile;
        profile.Metadata.Command = name;
        using var file = WriteAndParse(profile, WriteOptions.Default);

        var frame = file.RootElement.GetProperty("shared").GetProperty("frames")[0];
        Assert.Equal(name, frame.GetProperty("name").GetString());
        Assert.Equal(name, frame.GetProperty("file").GetString());
        Assert.Equal(name, file.RootElement.GetProperty("name").GetString());
        Assert.Equal($"thread {name} (1)", file.RootElement.GetProperty("profiles")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void Heaviest_thread_opens_first()
    {
        var profile = new ProfileBuilder().Add("A", 1, 1, F("main")).Add("B", 2, 5, F("main")).Add("C", 3, 2, F("main")).Profile;
        using var file = WriteAndParse(profile, WriteOptions.Default);

        Assert.Equal(1, file.RootElement.GetProperty("activeProfileIndex").GetInt32());
    }

    private JsonDocument WriteAndParse(Profile profile, WriteOptions options) => JsonDocument.Parse(Write(_writer, profile, options));

    /// <summary>Each profile's samples as folded-style stack text, from the shared frames, with their weights.</summary>
    private static Dictionary<string, List<(string, long)>> ReadBack(JsonElement root)
    {
        var frames = root.GetProperty("shared").GetProperty("frames").EnumerateArray()
            .Select(f => f.TryGetProperty("file", out var file)
                ? $"{f.GetProperty("name").GetString()} ({file.GetString()}:{f.GetProperty("line").GetInt32()})"
                : f.GetProperty("name").GetString()!)
            .ToList();
        var result = new Dictionary<string, List<(string, long)>>();
        foreach (var profile in root.GetProperty("profiles").EnumerateArray())
        {
            var samples = profile.GetProperty("samples").EnumerateArray().ToList();
            var weights = profile.GetProperty("weights").EnumerateArray().ToList();
            result[profile.GetProperty("name").GetString()!] = samples
                .Select((s, i) => (string.Join(";", s.EnumerateArray().Select(id => frames[id.GetInt32()])), weights[i].GetInt64()))
                .ToList();
        }
        return result;
    }
}
