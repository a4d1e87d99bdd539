using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Sonde.Formats.FlameGraph;
using Sonde.Profiles;
using static Sonde.Formats.Tests.ProfileBuilder;

namespace Sonde.Formats.Tests.FlameGraph;

public sealed class DiffFlameGraphTests
{
    private static readonly XNamespace _svg = "http://www.w3.org/2000/svg";
    private static readonly Frame _main = F("main", "app.py", 1);
    private static readonly Frame _grows = F("grows", "app.py", 10);
    private static readonly Frame _shrinks = F("shrinks", "app.py", 20);
    private static readonly Frame _steady = F("steady", "app.py", 30);

    [Fact]
    public void Takes_news_shape_and_colours_growth_red_shrinkage_blue_and_the_rest_grey()
    {
        var before = new ProfileBuilder().Add(2000, _main, _grows).Add(4000, _main, _shrinks).Add(4000, _main, _steady).Profile;
        var after = new ProfileBuilder().Add(4000, _main, _grows).Add(2000, _main, _shrinks).Add(4000, _main, _steady).Add(500, _main, F("fresh", "app.py", 40)).Profile;

        var frames = Draw(before, after);

        Assert.Equal(["all", "main (app.py:1)", "fresh (app.py:40)", "grows (app.py:10)", "shrinks (app.py:20)", "steady (app.py:30)"], frames.Select(f => f.Label));
        // NEW's shape: widths are NEW's weights.
        Assert.Equal([10500L, 10500, 500, 4000, 2000, 4000], frames.Select(f => f.Weight));
        var byName = frames.ToDictionary(f => f.Label.Split(' ')[0]);
        Assert.True(IsRed(byName["grows"].Fill), byName["grows"].Fill.ToString());
        Assert.True(IsRed(byName["fresh"].Fill), byName["fresh"].Fill.ToString());
        Assert.True(IsBlue(byName["shrinks"].Fill), byName["shrinks"].Fill.ToString());
        Assert.True(IsGrey(byName["steady"].Fill), byName["steady"].Fill.ToString());
        // Doubling is the full colour; halving too.
        Assert.Equal("(255, 47, 47)", byName["grows"].Fill.ToString());
        Assert.Equal("(47, 87, 255)", byName["shrinks"].Fill.ToString());
        Assert.Contains("BASE 2,000 samples, NEW 4,000 samples (+100.0%)", byName["grows"].Note);
    }

    [Fact]
    public void A_change_within_sampling_error_stays_grey_and_says_so()
    {
        var before = new ProfileBuilder().Add(50, _main, _grows).Add(50, _main, _steady).Profile;
        var after = new ProfileBuilder().Add(55, _main, _grows).Add(50, _main, _steady).Profile;

        var grows = Draw(before, after).Single(f => f.Label.StartsWith("grows", StringComparison.Ordinal));

        Assert.True(IsGrey(grows.Fill), grows.Fill.ToString());
        Assert.EndsWith("within sampling error", grows.Note);
    }

    [Fact]
    public void Exact_profiles_colour_every_change()
    {
        var before = new ProfileBuilder().Add(50, _main, _grows).Add(50, _main, _steady).Profile;
        var after = new ProfileBuilder().Add(55, _main, _grows).Add(50, _main, _steady).Profile;

        var grows = Draw(before, after, exact: true).Single(f => f.Label.StartsWith("grows", StringComparison.Ordinal));

        Assert.True(IsRed(grows.Fill), grows.Fill.ToString());
    }

    [Fact]
    public void Hostile_names_are_escaped_and_the_document_stays_well_formed()
    {
        var hostile = F("</title><script>alert(1)</script>\u0001\"'&", "x<y>.py", 3);
        var before = new ProfileBuilder().Add(10, _main, hostile).Profile;
        var after = new ProfileBuilder().Add(30, _main, hostile).Profile;

        var text = Write(before, after, "a&b → <c>");
        var document = XDocument.Parse(text);

        Assert.DoesNotContain("<script>alert", text);
        Assert.Single(document.Descendants(_svg + "script"));
        Assert.Contains(document.Descendants(_svg + "title"), t => t.Value.StartsWith("</title><script>alert(1)</script>\uFFFD\"'&", StringComparison.Ordinal));
        Assert.Equal("a&b → <c>", document.Descendants(_svg + "text").Single(t => (string?)t.Attribute("id") == "title").Value);
    }

    private static List<DrawnFrame> Draw(Profile before, Profile after, bool exact = false) =>
        XDocument.Parse(Write(before, after, "before → after", exact)).Descendants(_svg + "g")
            .Where(g => (string?)g.Attribute("class") == "f")
            .Select(g => new DrawnFrame(
                g.Element(_svg + "title")!.Value,
                long.Parse((string)g.Attribute("data-v")!, CultureInfo.InvariantCulture),
                ParseRgb((string)g.Element(_svg + "rect")!.Attribute("fill")!),
                (string?)g.Attribute("data-note") ?? ""))
            .ToList();

    private static string Write(Profile before, Profile after, string title, bool exact = false)
    {
        using var output = new MemoryStream();
        new DiffFlameGraph(new DiffFlameGraphSide(before, 0, 1), new DiffFlameGraphSide(after, 0, 1), title, "samples", exact).Write(output);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static (int R, int G, int B) ParseRgb(string fill)
    {
        var parts = fill["rgb(".Length..^1].Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return (parts[0], parts[1], parts[2]);
    }

    private static bool IsRed((int R, int G, int B) c) => c.R > c.G + 20 && c.G == c.B;

    private static bool IsBlue((int R, int G, int B) c) => c.B > c.R + 20 && c.B > c.G;

    private static bool IsGrey((int R, int G, int B) c) => c.R == c.G && c.G == c.B;

    private sealed record DrawnFrame(string Label, long Weight, (int R, int G, int B) Fill, string Note);
}
