using System.Globalization;
using System.Text;
using Sonde.Profiles;
using Sonde.Profiles.Errors;

namespace Sonde.Formats.Dot;

/// <summary>
/// A Graphviz call graph in the manner of gprof2dot: a box per function labelled with its name, file and
/// first line, total and own share, and total weight, coloured by total share; an arrow per call labelled
/// with the share of the samples that went through it. Functions and calls under the thresholds of
/// <see cref="DotOptions"/> are left out, which the graph's title says.
/// </summary>
public sealed class DotWriter : IProfileWriter
{
    private readonly DotOptions _options;

    public DotWriter(DotOptions? options = null)
    {
        _options = options ?? DotOptions.Default;
        if (_options.NodeThresholdPercent is < 0 or > 100 || double.IsNaN(_options.NodeThresholdPercent))
            throw new UsageException($"--node-threshold must be a percentage from 0 to 100, not {_options.NodeThresholdPercent}");
        if (_options.EdgeThresholdPercent is < 0 or > 100 || double.IsNaN(_options.EdgeThresholdPercent))
            throw new UsageException($"--edge-threshold must be a percentage from 0 to 100, not {_options.EdgeThresholdPercent}");
    }

    public string FormatName => "dot";

    public void Write(Profile profile, Stream output, WriteOptions options)
    {
        StackWeights.CheckWeightIndex(profile, options.WeightIndex);
        var weightType = profile.WeightTypes[options.WeightIndex];
        var graph = CallGraph.Build(profile, options);
        var total = graph.Total;
        double Share(long weight) => total == 0 ? 0 : (double)weight / total;

        var shown = new List<int>();
        for (var id = 0; id < graph.Nodes.Count; id++)
            if (graph.Nodes[id].Total != 0 && Share(graph.Nodes[id].Total) * 100 >= _options.NodeThresholdPercent) shown.Add(id);
        shown.Sort((a, b) => graph.Nodes[b].Total != graph.Nodes[a].Total
            ? graph.Nodes[b].Total.CompareTo(graph.Nodes[a].Total)
            : string.CompareOrdinal(graph.Nodes[a].Function.Label, graph.Nodes[b].Function.Label));
        var names = new Dictionary<int, string>();
        foreach (var id in shown) names[id] = string.Create(CultureInfo.InvariantCulture, $"n{names.Count}");

        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine("digraph sonde {");
        var title = options.Title ?? profile.Metadata.Command ?? "sonde";
        var pruned = string.Create(CultureInfo.InvariantCulture,
            $"total {WeightText.Format(total, weightType)}; functions under {_options.NodeThresholdPercent}% and calls under {_options.EdgeThresholdPercent}% left out");
        writer.WriteLine($"  graph [fontname=\"Helvetica\", fontsize=18, labelloc=t, nodesep=0.25, ranksep=0.3, label={DotText.Label(title, pruned)}];");
        writer.WriteLine("  node [fontname=\"Helvetica\", shape=box, style=\"filled,rounded\", penwidth=0];");
        writer.WriteLine("  edge [fontname=\"Helvetica\", labeldistance=0.5];");

        foreach (var id in shown)
        {
            var node = graph.Nodes[id];
            var function = node.Function;
            var lines = new List<string> { function.Function };
            if (function.File.Length > 0) lines.Add(string.Create(CultureInfo.InvariantCulture, $"{function.File}:{function.FirstLine}"));
            lines.Add($"{Percent(Share(node.Total))} ({Percent(Share(node.Own))})");
            lines.Add(WeightText.Format(node.Total, weightType));
            var share = Share(node.Total);
            writer.WriteLine($"  {names[id]} [label={DotText.Label([.. lines])}, fillcolor=\"{HeatColors.Fill(share)}\", fontcolor=\"{HeatColors.Font(share)}\"];");
        }

        var edges = graph.Edges
            .Where(e => names.ContainsKey(e.Key.Caller) && names.ContainsKey(e.Key.Callee) && e.Value != 0
                        && Share(e.Value) * 100 >= _options.EdgeThresholdPercent)
            .OrderByDescending(e => e.Value).ThenBy(e => names[e.Key.Caller], StringComparer.Ordinal).ThenBy(e => names[e.Key.Callee], StringComparer.Ordinal);
        foreach (var ((caller, callee), weight) in edges)
        {
            var share = Share(weight);
            var width = 1 + 3 * Math.Sqrt(share);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {names[caller]} -> {names[callee]} [label=\"{Percent(share)}\", color=\"{HeatColors.Line(share)}\", fontcolor=\"{HeatColors.Line(share)}\", penwidth={width:0.##}, arrowsize={0.5 + width / 4:0.##}];"));
        }
        writer.WriteLine("}");
    }

    private static string Percent(double share) => string.Create(CultureInfo.InvariantCulture, $"{share * 100:0.00}%");
}
