using System.Globalization;
using System.Text;
using Sonde.Profiles;

namespace Sonde.Formats.FlameGraph;

/// <summary>
/// A self-contained interactive SVG flame graph: one rectangle per call-tree node, as wide as its weight, the
/// root at the bottom and callees above their callers, siblings in label order. Hovering shows the frame's
/// weight and share, clicking zooms into it, and Search highlights frames matching a regular expression.
/// </summary>
/// <remarks>
/// Frames merge per function (their executing line dropped) unless <see cref="WriteOptions.Lines"/> keeps lines.
/// Nodes narrower than <see cref="MinWidthPixels"/> at full zoom, i.e. under 1/11800 of the total weight, are
/// left out with their subtrees: they could not be seen, and leaving them out keeps a 100k-stack profile to a
/// few megabytes. Their weight still counts in their callers' widths. Every string from the profile goes into
/// element text or attribute values through <see cref="XmlText"/>; the embedded script holds none of them and
/// reads them back through the DOM.
/// </remarks>
public sealed class FlameGraphWriter : IProfileWriter
{
    public const int ImageWidth = 1200;
    public const int Padding = 10;
    public const int ChartWidth = ImageWidth - 2 * Padding;
    public const double MinWidthPixels = 0.1;

    private const int FrameHeight = 16;
    private const int RectHeight = 15;
    private const int HeaderHeight = 60;
    private const int FooterHeight = 30;
    // The average advance of a 12px Verdana character, used to cut labels that would overflow their frame.
    private const double CharWidth = 7.08;
    private const string RootLabel = "all";

    public string FormatName => "flamegraph";

    public void Write(Profile profile, Stream output, WriteOptions options) => Write(profile, output, options, null);

    /// <summary>
    /// Draws the graph, coloured and annotated by <paramref name="painter"/> when one is given (the differential
    /// flame graph), else by function name.
    /// </summary>
    internal static void Write(Profile profile, Stream output, WriteOptions options, FlamePainter? painter)
    {
        var stacks = StackWeights.Collect(profile, options.WeightIndex, options.ThreadRoots);
        var frames = new MergedFrames(profile, options.Lines);
        var tree = FlameTreeBuilder.Build(profile, frames, stacks, MinWidthPixels / ChartWidth);
        painter?.Prepare(tree, frames);
        var total = tree.TotalOf(FlameTree.RootNode);
        var drawn = PreOrder(tree, out var maxDepth);
        var height = HeaderHeight + (maxDepth + 1) * FrameHeight + FooterHeight;
        var scale = total > 0 ? (double)ChartWidth / total : 0;

        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        var weight = profile.WeightTypes[options.WeightIndex];
        WriteHeader(writer, profile, options, weight, total, height, painter?.Subtitle);
        var labels = new string[frames.Count];
        foreach (var node in drawn)
        {
            var offset = tree.OffsetOf(node);
            var frameId = tree.FrameOf(node);
            var label = frameId < 0 ? RootLabel : labels[frameId] ??= frames[frameId].Label;
            var color = painter?.ColorOf(node) ?? (frameId < 0 ? FlameColors.Root : FlameColors.Of(frames[frameId]));
            var y = height - FooterHeight - (tree.DepthOf(node) + 1) * FrameHeight;
            WriteFrame(writer, label, color, offset, tree.TotalOf(node), Padding + offset * scale, tree.TotalOf(node) * scale, y, painter?.NoteOf(node));
        }
        writer.Write("<script type=\"text/ecmascript\"><![CDATA[\n");
        writer.Write(FlameGraphAssets.Script);
        writer.Write("]]></script>\n</svg>\n");
    }

    /// <summary>The nodes in pre-order, callers before callees and siblings left to right.</summary>
    private static List<int> PreOrder(FlameTree tree, out int maxDepth)
    {
        var nodes = new List<int>(tree.Count);
        var pending = new Stack<int>();
        pending.Push(FlameTree.RootNode);
        maxDepth = 0;
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            nodes.Add(node);
            maxDepth = Math.Max(maxDepth, tree.DepthOf(node));
            var first = tree.FirstChildOf(node);
            for (var child = first + tree.ChildCountOf(node) - 1; child >= first; child--) pending.Push(child);
        }
        return nodes;
    }

    private static void WriteHeader(StreamWriter writer, Profile profile, WriteOptions options, WeightType weight, long total, int height, string? subtitleText)
    {
        writer.Write("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
        writer.Write($"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{ImageWidth}\" height=\"{height}\" viewBox=\"0 0 {ImageWidth} {height}\"");
        writer.Write(FormattableString.Invariant($" data-pad=\"{Padding}\" data-chart-width=\"{ChartWidth}\" data-char-width=\"{CharWidth}\" data-total=\"{total}\""));
        writer.Write(" data-unit=\"");
        XmlText.Write(writer, weight.Unit);
        writer.Write("\" data-weight=\"");
        XmlText.Write(writer, weight.Name);
        writer.Write("\">\n<style type=\"text/css\"><![CDATA[\n");
        writer.Write(FlameGraphAssets.Style);
        writer.Write("]]></style>\n<rect width=\"100%\" height=\"100%\" fill=\"#fdf8ee\"/>\n");

        writer.Write($"<text id=\"title\" x=\"{ImageWidth / 2}\" y=\"24\">");
        XmlText.Write(writer, options.Title ?? profile.Metadata.Command ?? "Flame graph");
        writer.Write($"</text>\n<text id=\"subtitle\" x=\"{ImageWidth / 2}\" y=\"44\">");
        var subtitle = string.Create(CultureInfo.InvariantCulture, $"{profile.SampleCount:N0} samples, sized by {weight.Name} ({weight.Unit})");
        XmlText.Write(writer, subtitleText ?? (options.ThreadRoots ? subtitle + ", by thread" : subtitle));
        writer.Write($"</text>\n<text id=\"unzoom\" class=\"button hidden\" x=\"{Padding}\" y=\"24\">Reset Zoom</text>\n");
        writer.Write($"<text id=\"search\" class=\"button\" x=\"{ImageWidth - Padding}\" y=\"24\" text-anchor=\"end\">Search</text>\n");
        writer.Write($"<text id=\"details\" x=\"{Padding}\" y=\"{height - 10}\"> </text>\n");
        writer.Write($"<text id=\"matched\" x=\"{ImageWidth - Padding}\" y=\"{height - 10}\"></text>\n");
    }

    private static void WriteFrame(StreamWriter writer, string label, (int R, int G, int B) color,
        long offset, long weight, double x, double width, int y, string? note)
    {
        writer.Write("<g class=\"f\" data-x=\"");
        WriteNumber(writer, offset);
        writer.Write("\" data-v=\"");
        WriteNumber(writer, weight);
        if (note is not null)
        {
            writer.Write("\" data-note=\"");
            XmlText.Write(writer, note);
        }
        writer.Write("\"><title>");
        XmlText.Write(writer, label);
        writer.Write("</title><rect x=\"");
        WriteNumber(writer, x);
        writer.Write("\" y=\"");
        WriteNumber(writer, y);
        writer.Write("\" width=\"");
        WriteNumber(writer, width);
        writer.Write("\" height=\"");
        WriteNumber(writer, RectHeight);
        writer.Write("\" fill=\"rgb(");
        WriteNumber(writer, color.R);
        writer.Write(',');
        WriteNumber(writer, color.G);
        writer.Write(',');
        WriteNumber(writer, color.B);
        writer.Write(")\"/>");
        var text = FitLabel(label, width);
        if (text != null)
        {
            writer.Write("<text x=\"");
            WriteNumber(writer, x + 3);
            writer.Write("\" y=\"");
            WriteNumber(writer, y + RectHeight - 4);
            writer.Write("\">");
            XmlText.Write(writer, text);
            writer.Write("</text>");
        }
        writer.Write("</g>\n");
    }

    /// <summary>The label as it fits in a frame, cut short with "..", or null when not even three characters fit.</summary>
    internal static string? FitLabel(string label, double width)
    {
        var maxChars = (int)Math.Floor((width - 6) / CharWidth);
        if (maxChars < 3) return null;
        if (label.Length <= maxChars) return label;
        var cut = maxChars - 2;
        if (char.IsHighSurrogate(label[cut - 1])) cut--;
        return string.Concat(label.AsSpan(0, cut), "..");
    }

    private static void WriteNumber(StreamWriter writer, double value)
    {
        Span<char> digits = stackalloc char[32];
        value.TryFormat(digits, out var length, "0.##", CultureInfo.InvariantCulture);
        writer.Write(digits[..length]);
    }

    private static void WriteNumber(StreamWriter writer, long value)
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
        writer.Write(digits[..length]);
    }
}
