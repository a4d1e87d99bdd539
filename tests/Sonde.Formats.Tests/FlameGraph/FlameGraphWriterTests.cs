using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using Sonde.Formats.FlameGraph;
using Sonde.Profiles;
using Sonde.Profiles.Errors;
using static Sonde.Formats.Tests.ProfileBuilder;

namespace Sonde.Formats.Tests.FlameGraph;

public sealed class FlameGraphWriterTests(ITestOutputHelper output)
{
    private static readonly XNamespace _svg = "http://www.w3.org/2000/svg";

    private readonly FlameGraphWriter _writer = new();

    [Fact]
    public void Draws_one_titled_rect_per_call_tree_node()
    {
        var frames = Frames(Parse(Write(_writer, Sample())));

        Assert.Equal(
            ["all", "main (app.py:1)", "idle (app.py:20)", "work (app.py:10)", "compute (lib.py:5)"],
            frames.Select(f => f.Label));
        Assert.Equal([6L, 6, 1, 5, 3], frames.Select(f => f.Weight));
    }

    [Fact]
    public void Widths_are_proportional_to_weights_and_children_sit_on_their_callers()
    {
        var frames = Frames(Parse(Write(_writer, Sample())));
        var all = frames[0];

        Assert.Equal(FlameGraphWriter.Padding, all.X, 2);
        Assert.Equal(FlameGraphWriter.ChartWidth, all.Width, 2);
        foreach (var frame in frames)
            Assert.Equal(FlameGraphWriter.ChartWidth * frame.Weight / 6.0, frame.Width, 0.01);

        var main = frames[1];
        var idle = frames[2];
        var work = frames[3];
        var compute = frames[4];
        Assert.True(main.Y < all.Y, "callees are drawn above their callers");
        Assert.Equal(main.Y, idle.Y + FrameHeight(frames), 2);
        Assert.Equal(work.Y, idle.Y);
        Assert.Equal(idle.X + idle.Width, work.X, 2);
        Assert.Equal(work.X, compute.X, 2);
    }

    [Fact]
    public void Hostile_names_are_escaped_everywhere()
    {
        const string name = "<script>alert(1)</script>&\"'";
        const string nasty = "]]></script><script>alert(2)//\u0001\n\uD800";
        var weight = new WeightType(name, nasty);
        var builder = new ProfileBuilder(weight);
        builder.Add(name, 9, 2, F(name, name, 3), F(nasty, nasty, 4));
        builder.Profile.Metadata.Command = name;

        var text = Write(_writer, builder.Profile, new WriteOptions(ThreadRoots: true));
        var document = Parse(text);

        Assert.DoesNotContain("<script>alert(1)", text);
        Assert.DoesNotContain("<script>alert(2)", text);
        var labels = Frames(document).Select(f => f.Label).ToList();
        Assert.Contains($"thread {name} (9)", labels);
        Assert.Contains($"{name} ({name}:3)", labels);
        // XML 1.0 cannot hold U+0001 or a lone surrogate; they arrive as U+FFFD, the rest exactly.
        Assert.Contains($"{nasty} ({nasty}:4)".Replace('\u0001', '\uFFFD').Replace('\uD800', '\uFFFD'), labels);
        Assert.Equal(name, document.Descendants(_svg + "text").Single(t => (string?)t.Attribute("id") == "title").Value);
        Assert.Equal(name, (string?)document.Root!.Attribute("data-weight"));
        var scripts = document.Descendants(_svg + "script").ToList();
        Assert.Single(scripts);
        Assert.DoesNotContain("alert", scripts[0].Value);
    }

    [Fact]
    public void Embedded_script_and_style_cannot_end_their_sections()
    {
        Assert.DoesNotContain("]]>", FlameGraphAssets.Script);
        Assert.DoesNotContain("]]>", FlameGraphAssets.Style);
    }

    [Fact]
    public void Title_comes_from_the_options_then_the_command()
    {
        var profile = Sample();
        profile.Metadata.Command = "python app.py";

        Assert.Equal("python app.py", TitleOf(Parse(Write(_writer, profile))));
        Assert.Equal("My run", TitleOf(Parse(Write(_writer, profile, new WriteOptions(Title: "My run")))));
    }

    [Fact]
    public void Lines_merge_per_function_unless_kept()
    {
        var profile = new ProfileBuilder()
            .Add(2, F("main"), F("work", "app.py", 10, line: 12))
            .Add(3, F("main"), F("work", "app.py", 10, line: 14))
            .Profile;

        Assert.Equal(["all", "main (app.py:1)", "work (app.py:10)"], Frames(Parse(Write(_writer, profile))).Select(f => f.Label));
        Assert.Equal(["all", "main (app.py:1)", "work (app.py:12)", "work (app.py:14)"],
            Frames(Parse(Write(_writer, profile, new WriteOptions(Lines: true)))).Select(f => f.Label));
    }

    [Fact]
    public void Thread_roots_sit_between_all_and_the_stacks()
    {
        var frames = Frames(Parse(Write(_writer, Sample(), new WriteOptions(ThreadRoots: true))));

        Assert.Equal(["all", "thread MainThread (100)", "main (app.py:1)", "work (app.py:10)", "compute (lib.py:5)",
            "thread Worker (200)", "main (app.py:1)", "idle (app.py:20)"], frames.Select(f => f.Label));
    }

    [Fact]
    public void Frames_narrower_than_a_tenth_of_a_pixel_are_pruned()
    {
        var builder = new ProfileBuilder().Add(12_000, F("main"), F("big"));
        for (var i = 0; i < 50; i++) builder.Add(1, F("main"), F($"tiny{i}"));

        var frames = Frames(Parse(Write(_writer, builder.Profile)));

        // 1 of 12,050 samples is 0.098 px of the 1180 px chart.
        Assert.Equal(["all", "main (app.py:1)", "big (app.py:1)"], frames.Select(f => f.Label));
        Assert.Equal(12_050, frames[1].Weight);
    }

    [Fact]
    public void Light_stacks_that_merge_into_a_wide_frame_are_drawn()
    {
        var builder = new ProfileBuilder();
        for (var line = 1; line <= 12_000; line++) builder.Add(1, F("main"), F("work", "app.py", 10, line));

        var merged = Frames(Parse(Write(_writer, builder.Profile)));
        var byLine = Frames(Parse(Write(_writer, builder.Profile, new WriteOptions(Lines: true))));

        Assert.Equal(["all", "main (app.py:1)", "work (app.py:10)"], merged.Select(f => f.Label));
        Assert.Equal(12_000, merged[2].Weight);
        Assert.Equal(["all", "main (app.py:1)"], byLine.Select(f => f.Label));
    }

    [Fact]
    public void Threads_with_equal_labels_stay_apart()
    {
        var profile = new Profile(WeightType.Samples);
        var stack = profile.InternStack([F("main")]);
        profile.AddSample(stack, profile.ThreadIndex(1, 100, "MainThread"), 0);
        profile.AddSample(stack, profile.ThreadIndex(2, 100, "MainThread"), 0);
        profile.AddSample(stack, profile.ThreadIndex(2, 100, "MainThread"), 0);

        var frames = Frames(Parse(Write(_writer, profile, new WriteOptions(ThreadRoots: true))));

        Assert.Equal(["all", "thread MainThread (100)", "main (app.py:1)", "thread MainThread (100)", "main (app.py:1)"],
            frames.Select(f => f.Label));
        Assert.Equal([3L, 1, 1, 2, 2], frames.Select(f => f.Weight));
    }

    [Fact]
    public void Output_does_not_depend_on_interning_order()
    {
        var a = new[] { F("main"), F("a", "x.py", 3) };
        var b = new[] { F("main"), F("b", "y.py", 4), F("c") };
        var first = new ProfileBuilder().Add(2, a).Add(3, b).Profile;
        var second = new ProfileBuilder().Add(3, b).Add(2, a).Profile;

        Assert.Equal(Write(_writer, first), Write(_writer, second));
    }

    [Fact]
    public void Empty_profile_is_still_a_valid_svg()
    {
        var frames = Frames(Parse(Write(_writer, new Profile(WeightType.Samples))));

        Assert.Equal(["all"], frames.Select(f => f.Label));
    }

    [Fact]
    public void Unknown_weight_column_is_a_usage_error()
    {
        Assert.Throws<UsageException>(() => Write(_writer, Sample(), new WriteOptions(WeightIndex: 1)));
    }

    [Fact]
    public void Long_labels_are_cut_to_fit_and_narrow_frames_get_none()
    {
        Assert.Equal("main (app.py:1)", FlameGraphWriter.FitLabel("main (app.py:1)", 200));
        Assert.Equal("a_long_..", FlameGraphWriter.FitLabel("a_long_function_name", 72));
        Assert.Null(FlameGraphWriter.FitLabel("main", 20));
        Assert.Equal("ab..", FlameGraphWriter.FitLabel("ab\U0001F600cdefgh", 6 + 5 * 7.08));
    }

    [Fact]
    public void A_million_samples_over_100k_stacks_make_a_small_valid_svg()
    {
        // How fast this is belongs to bench/formats (docs/benchmarks.md), not to a timed test.
        var profile = LargeProfile(stacks: 100_000, samples: 1_000_000);

        using var stream = new MemoryStream();
        _writer.Write(profile, stream, WriteOptions.Default);

        output.WriteLine($"{stream.Length / 1024} KiB");
        Assert.True(stream.Length < 16 << 20, $"{stream.Length} bytes");
        stream.Position = 0;
        Assert.NotNull(XDocument.Load(stream));
    }

    /// <summary>Stacks of depth 10 to 40 over 2,000 functions, with a skewed share of the samples.</summary>
    private static Profile LargeProfile(int stacks, int samples)
    {
        var random = new Random(42);
        var profile = new Profile(WeightType.Samples);
        var thread = profile.ThreadIndex(1, 1, "MainThread");
        var functions = new int[2_000];
        for (var f = 0; f < functions.Length; f++)
            functions[f] = profile.Frames.Intern(new Frame($"module{f % 50}.function_{f}", $"/src/pkg/module{f % 50}.py", 10 + f));
        var ids = new int[stacks];
        var frames = new int[40];
        for (var s = 0; s < stacks; s++)
        {
            var depth = 10 + random.Next(31);
            // A shared trunk keeps the tree realistic: most stacks start the same way.
            for (var d = 0; d < depth; d++) frames[d] = functions[d < 5 ? d : random.Next(d * 40, d * 40 + 60)];
            ids[s] = profile.Stacks.Intern(frames.AsSpan(0, depth));
        }
        for (var i = 0; i < samples; i++)
        {
            var pick = (int)(Math.Pow(random.NextDouble(), 3) * stacks);
            profile.AddSample(ids[pick], thread, i * 10_000L);
        }
        return profile;
    }

    private static XDocument Parse(string text) => XDocument.Parse(text);

    private static string TitleOf(XDocument document) =>
        document.Descendants(_svg + "text").Single(t => (string?)t.Attribute("id") == "title").Value;

    private static double FrameHeight(List<DrawnFrame> frames) => frames[0].Y - frames[1].Y;

    private static List<DrawnFrame> Frames(XDocument document) =>
        document.Descendants(_svg + "g")
            .Where(g => (string?)g.Attribute("class") == "f")
            .Select(g =>
            {
                var rect = g.Element(_svg + "rect")!;
                return new DrawnFrame(
                    g.Element(_svg + "title")!.Value,
                    long.Parse((string)g.Attribute("data-v")!, CultureInfo.InvariantCulture),
                    Number(rect, "x"), Number(rect, "y"), Number(rect, "width"));
            })
            .ToList();

    private static double Number(XElement element, string attribute) =>
        double.Parse((string)element.Attribute(attribute)!, CultureInfo.InvariantCulture);

    private sealed record DrawnFrame(string Label, long Weight, double X, double Y, double Width);
}
