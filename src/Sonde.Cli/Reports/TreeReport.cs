using System.Text;
using Sonde.Cli.Console;
using Sonde.Profiles;
using Sonde.Profiles.Views;

namespace Sonde.Cli.Reports;

/// <summary>
/// The call tree, in the spirit of pyinstrument: each frame with its share of the whole and its time, children
/// largest first. Runs of library frames fold into one <c>[N frames hidden]</c> line naming the libraries, with
/// the program's own frames below it still shown (unless <c>--show-all</c>). Frames under the threshold are cut.
/// </summary>
internal static class TreeReport
{
    private const int MaxLibraryNames = 4;

    /// <summary>What one line of the tree stands for: a frame, or a run of hidden library frames.</summary>
    internal sealed record TreeLine(string Label, long Total, long Own, bool Hidden, IReadOnlyList<TreeLine> Children);

    public static void Write(Terminal terminal, ReportModel model, bool showAll, double minPercent)
    {
        var roots = Build(model, showAll, minPercent, out var grandTotal);
        if (model.StacksEstimated)
            terminal.Out.WriteLine(terminal.Dim("(the paths are estimated from pstats' per-caller times; each function's own time is exact)"));
        if (roots.Count == 0)
        {
            terminal.Out.WriteLine(terminal.Dim("(no samples to show)"));
            return;
        }
        var unit = ReportUnit.For(model, grandTotal);
        foreach (var root in roots) WriteLine(terminal, root, unit, grandTotal, "", "");
    }

    /// <summary>The visible tree: library runs folded, small frames cut, children largest first.</summary>
    public static List<TreeLine> Build(ReportModel model, bool showAll, double minPercent, out long grandTotal)
    {
        var root = CallTree.Build(model.Profile, model.WeightIndex, keepLines: false, model.IncludeThread);
        grandTotal = model.FromWeight(root.Total);
        var threshold = (long)Math.Ceiling(root.Total * minPercent / 100);
        return Children(model, root.Children, showAll, Math.Max(1, threshold));
    }

    private static List<TreeLine> Children(ReportModel model, IEnumerable<CallTreeNode> nodes, bool showAll, long threshold) =>
        nodes.Where(n => n.Total >= threshold)
            .Select(n => Line(model, n, showAll, threshold))
            .OrderByDescending(l => l.Total).ThenBy(l => l.Label, StringComparer.Ordinal)
            .ToList();

    private static TreeLine Line(ReportModel model, CallTreeNode node, bool showAll, long threshold)
    {
        if (showAll || !LibraryFrames.IsLibrary(node.Frame))
            return new TreeLine(ReportLabels.Tree(node.Frame.FunctionKey), model.FromWeight(node.Total), model.FromWeight(node.Own), false,
                Children(model, node.Children, showAll, threshold));

        // Fold the library run that starts here; the program's frames under it become its children.
        var libraries = new SortedSet<string>(StringComparer.Ordinal);
        var visible = new List<CallTreeNode>();
        long hiddenOwn = 0;
        var hidden = 0;
        var pending = new Stack<CallTreeNode>();
        pending.Push(node);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!LibraryFrames.IsLibrary(current.Frame))
            {
                visible.Add(current);
                continue;
            }
            hidden++;
            hiddenOwn += current.Own;
            libraries.Add(LibraryFrames.LibraryName(current.Frame.File)!);
            foreach (var child in current.Children) pending.Push(child);
        }
        var names = string.Join(", ", libraries.Take(MaxLibraryNames)) + (libraries.Count > MaxLibraryNames ? ", ..." : "");
        return new TreeLine($"[{hidden} frame{(hidden == 1 ? "" : "s")} hidden]  {names}", model.FromWeight(node.Total), model.FromWeight(hiddenOwn), true,
            Children(model, visible, showAll, threshold));
    }

    private static void WriteLine(Terminal terminal, TreeLine line, ReportUnit unit, long grandTotal, string prefix, string childPrefix)
    {
        var text = new StringBuilder(prefix)
            .Append(ReportUnit.Percent(line.Total, grandTotal)).Append("  ")
            .Append(unit.WithUnit(line.Total)).Append("  ");
        var label = TerminalText.Escape(line.Label);
        terminal.Out.WriteLine(text + (line.Hidden ? terminal.Dim(label) : label));
        for (var i = 0; i < line.Children.Count; i++)
        {
            var last = i == line.Children.Count - 1;
            WriteLine(terminal, line.Children[i], unit, grandTotal, childPrefix + (last ? "└─ " : "├─ "), childPrefix + (last ? "   " : "│  "));
        }
    }
}
