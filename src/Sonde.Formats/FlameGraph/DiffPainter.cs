using System.Globalization;

namespace Sonde.Formats.FlameGraph;

/// <summary>
/// Colours each frame of NEW's flame graph by the change of its call path against BASE. For sampled profiles a
/// change counts only when it is beyond sampling error: |z| ≥ 3.29 (two-sided p ≤ 0.001), with z and the variance
/// Σ w²(I - p)² as <c>sonde diff</c> computes them for functions (docs/diff.md).
/// </summary>
internal sealed class DiffPainter(DiffFlameGraphSide baseSide, DiffFlameGraphSide newSide, string unit, bool exact) : FlamePainter
{
    private const double CriticalZ = 3.29;
    private static readonly (int R, int G, int B) _neutral = (222, 222, 222);

    private PathTotals? _base;
    private PathTotals? _new;
    private int?[] _basePaths = [];
    private int?[] _newPaths = [];

    public override string Subtitle => "NEW's stacks, coloured by their change against BASE: red grew, blue shrank, grey unchanged or within sampling error";

    public override void Prepare(FlameTree tree, MergedFrames frames)
    {
        _base = new PathTotals(baseSide.Profile, baseSide.WeightIndex, baseSide.UnitsPerWeight);
        _new = new PathTotals(newSide.Profile, newSide.WeightIndex, newSide.UnitsPerWeight);
        _basePaths = new int?[tree.Count];
        _newPaths = new int?[tree.Count];
        _basePaths[FlameTree.RootNode] = PathTotals.Root;
        _newPaths[FlameTree.RootNode] = PathTotals.Root;
        // A node's id is always larger than its parent's, so parents are mapped before their children.
        for (var node = 0; node < tree.Count; node++)
        {
            var first = tree.FirstChildOf(node);
            for (var child = first; child < first + tree.ChildCountOf(node); child++)
            {
                var frame = frames[tree.FrameOf(child)];
                _basePaths[child] = _base.Find(_basePaths[node], frame);
                _newPaths[child] = _new.Find(_newPaths[node], frame);
            }
        }
    }

    public override (int R, int G, int B) ColorOf(int node)
    {
        var (before, after) = Values(node);
        if (!IsReal(node, before, after)) return _neutral;
        // Doubling or halving (or appearing from nothing) gives the full colour.
        var intensity = before <= 0 || after <= 0 ? 1 : Math.Min(1, Math.Abs(Math.Log2(after / before)));
        var fade = (int)Math.Round(175 * intensity);
        var deepen = (int)Math.Round(33 * intensity);
        return after > before
            ? (_neutral.R + deepen, _neutral.G - fade, _neutral.B - fade)
            : (_neutral.R - fade, _neutral.G - (int)Math.Round(135 * intensity), _neutral.B + deepen);
    }

    public override string NoteOf(int node)
    {
        var (before, after) = Values(node);
        var change = before > 0 ? ((after - before) / before * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%" : "new";
        var note = $"BASE {Format(before)}, NEW {Format(after)} ({change})";
        return IsReal(node, before, after) || before == after ? note : note + ", within sampling error";
    }

    private (double Before, double After) Values(int node) => (_base!.SumOf(_basePaths[node]), _new!.SumOf(_newPaths[node]));

    private bool IsReal(int node, double before, double after)
    {
        if (before == after) return false;
        if (exact) return true;
        var variance = Variance(_base!, _basePaths[node]) + Variance(_new!, _newPaths[node]);
        return variance <= 0 || Math.Abs(after - before) / Math.Sqrt(variance) >= CriticalZ;
    }

    private static double Variance(PathTotals totals, int? path)
    {
        if (totals.Total <= 0) return 0;
        var p = totals.SumOf(path) / totals.Total;
        var squares = totals.SquaresOf(path);
        return (1 - p) * (1 - p) * squares + p * p * Math.Max(0, totals.TotalSquares - squares);
    }

    private string Format(double value)
    {
        if (unit != "nanoseconds") return value.ToString("N0", CultureInfo.InvariantCulture) + " " + unit;
        var (scaled, suffix) = value switch
        {
            >= 1e9 => (value / 1e9, "s"),
            >= 1e6 => (value / 1e6, "ms"),
            >= 1e3 => (value / 1e3, "µs"),
            _ => (value, "ns"),
        };
        return scaled.ToString(suffix == "ns" ? "F0" : "F2", CultureInfo.InvariantCulture) + " " + suffix;
    }
}
