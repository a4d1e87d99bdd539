using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Sonde.Formats.Tests.Support;

namespace Sonde.Formats.Tests.Dot;

/// <summary>A dot file rendered by Graphviz's <c>dot -Tsvg</c>, read back from the SVG: node texts, fills and edges.</summary>
internal sealed class RenderedGraph
{
    private static readonly XNamespace _svg = "http://www.w3.org/2000/svg";

    /// <summary>Each node's text lines (the first is the function name), keyed by that name.</summary>
    public required Dictionary<string, string[]> Nodes { get; init; }

    public required Dictionary<string, string> Fills { get; init; }

    /// <summary>(caller name, callee name) → the edge's label.</summary>
    public required Dictionary<(string Caller, string Callee), string> Edges { get; init; }

    public required string[] Title { get; init; }

    public static RenderedGraph Render(string dotFile)
    {
        var dot = ExternalTool.Require("dot", "graphviz");
        var result = ExternalTool.Run(dot, ["-Tsvg", dotFile]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.StdErr.Trim().Length == 0, result.StdErr);

        using var reader = XmlReader.Create(new StringReader(result.StdOut), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        var svg = XDocument.Load(reader);
        var nodes = new Dictionary<string, string[]>();
        var fills = new Dictionary<string, string>();
        var byId = new Dictionary<string, string>();
        foreach (var g in Groups(svg, "node"))
        {
            var lines = g.Elements(_svg + "text").Select(t => t.Value).ToArray();
            nodes.Add(lines[0], lines);
            byId.Add(g.Element(_svg + "title")!.Value, lines[0]);
            fills.Add(lines[0], g.Elements().First(e => e.Attribute("fill") is not null).Attribute("fill")!.Value);
        }
        var edges = new Dictionary<(string, string), string>();
        foreach (var g in Groups(svg, "edge"))
        {
            var ends = g.Element(_svg + "title")!.Value.Split("->");
            edges.Add((byId[ends[0]], byId[ends[1]]), g.Element(_svg + "text")?.Value ?? "");
        }
        var title = svg.Root!.Element(_svg + "g")!.Elements(_svg + "text").Select(t => t.Value).ToArray();
        return new RenderedGraph { Nodes = nodes, Fills = fills, Edges = edges, Title = title };
    }

    /// <summary>A node's fill colour as a hue in degrees: 0 is red (hot), 240 blue (cold).</summary>
    public double Hue(string name)
    {
        var fill = Fills[name];
        var r = int.Parse(fill[1..3], NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
        var g = int.Parse(fill[3..5], NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
        var b = int.Parse(fill[5..7], NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
        var max = Math.Max(r, Math.Max(g, b));
        var delta = max - Math.Min(r, Math.Min(g, b));
        if (delta == 0) return 0;
        var hue = max == r ? (g - b) / delta % 6 : max == g ? (b - r) / delta + 2 : (r - g) / delta + 4;
        return (hue * 60 + 360) % 360;
    }

    private static IEnumerable<XElement> Groups(XDocument svg, string kind) =>
        svg.Descendants(_svg + "g").Where(g => (string?)g.Attribute("class") == kind);
}
