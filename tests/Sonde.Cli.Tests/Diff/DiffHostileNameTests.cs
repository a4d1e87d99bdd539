using System.Text.Json;
using System.Xml.Linq;
using Sonde.Cli.Tests.Support;

namespace Sonde.Cli.Tests.Diff;

/// <summary>Function names come from the profiled program: every output of diff and check escapes them.</summary>
public sealed class DiffHostileNameTests : IDisposable
{
    private const string Hostile = "evil\u001b[2J<script>alert(1)</script>|**x**";
    private readonly TempDirectory _temp = new();
    private readonly string _before;
    private readonly string _after;

    public DiffHostileNameTests()
    {
        _before = _temp.File("before.folded");
        _after = _temp.File("after.folded");
        File.WriteAllText(_before, $"main;{Hostile} 100\nmain;calm 900\n");
        File.WriteAllText(_after, $"main;{Hostile} 300\nmain;calm 900\n");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Text_json_markdown_junit_and_svg_carry_the_name_without_its_markup()
    {
        var markdown = _temp.File("c.md");
        var junit = _temp.File("c.xml");
        var svg = _temp.File("d.svg");

        var text = SondeCli.Run("diff", _before, _after, "-o", svg);
        var json = SondeCli.Run("diff", _before, _after, "--json");
        var check = SondeCli.Run("check", _after, "--baseline", _before, "--markdown", markdown, "--junit", junit);

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.DoesNotContain("\u001b", text.StdOut);
        Assert.Contains("evil\\x1b[2J<script>", text.StdOut);
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.DoesNotContain("\u001b", check.StdOut);
        using var document = JsonDocument.Parse(json.StdOut);
        Assert.Contains(document.RootElement.GetProperty("functions").EnumerateArray(), f => f.GetProperty("function").GetString() == Hostile);
        var comment = File.ReadAllText(markdown);
        Assert.DoesNotContain("<script>", comment);
        Assert.Contains("&lt;script&gt;", comment);
        var cases = XDocument.Load(junit).Descendants("testcase").Select(c => (string)c.Attribute("name")!).ToList();
        Assert.Contains("evil\uFFFD[2J<script>alert(1)</script>|**x**", cases);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var titles = XDocument.Load(svg).Descendants(ns + "title").Select(t => t.Value).ToList();
        Assert.Contains("evil\uFFFD[2J<script>alert(1)</script>|**x**", titles);
    }
}
