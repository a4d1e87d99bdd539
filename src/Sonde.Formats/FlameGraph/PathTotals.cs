using Sonde.Profiles;

namespace Sonde.Formats.FlameGraph;

/// <summary>
/// The weight under every call path of a profile, with frames merged per function as a flame graph merges them,
/// and the sum of squared sample weights under each path (what its sampling variance is computed from).
/// Path -1 is the root, the whole profile.
/// </summary>
internal sealed class PathTotals
{
    public const int Root = -1;

    private readonly Dictionary<(int Parent, Frame Frame), int> _paths = [];
    private readonly List<double> _sums = [];
    private readonly List<double> _squares = [];

    public PathTotals(Profile profile, int weightIndex, double unitsPerWeight)
    {
        var sums = new double[profile.Stacks.Count];
        var squares = new double[profile.Stacks.Count];
        // A record that stands for n samples (folded stacks' counts) is n samples of weight w/n: its squares sum to w²/n.
        var countIndex = profile.WeightIndex(WeightType.Samples.Name);
        for (var i = 0; i < profile.SampleCount; i++)
        {
            var stack = profile.StackIdOf(i);
            if (stack < 0) continue;
            var weight = profile.WeightOf(i, weightIndex) * unitsPerWeight;
            var count = countIndex >= 0 ? Math.Max(1, profile.WeightOf(i, countIndex)) : 1;
            sums[stack] += weight;
            squares[stack] += weight * weight / count;
        }
        for (var s = 0; s < sums.Length; s++)
        {
            if (sums[s] == 0) continue;
            Total += sums[s];
            TotalSquares += squares[s];
            var path = Root;
            foreach (var frame in profile.Stacks.FramesOf(s))
            {
                path = Intern(path, profile.Frames[frame] with { Line = 0 });
                _sums[path] += sums[s];
                _squares[path] += squares[s];
            }
        }
    }

    public double Total { get; }
    public double TotalSquares { get; }

    /// <summary>The path that extends <paramref name="parent"/> by <paramref name="frame"/>; null when the profile has none.</summary>
    public int? Find(int? parent, Frame frame) =>
        parent is { } p && _paths.TryGetValue((p, frame with { Line = 0 }), out var path) ? path : null;

    public double SumOf(int? path) => path switch { null => 0, Root => Total, { } p => _sums[p] };

    public double SquaresOf(int? path) => path switch { null => 0, Root => TotalSquares, { } p => _squares[p] };

    private int Intern(int parent, Frame frame)
    {
        if (_paths.TryGetValue((parent, frame), out var path)) return path;
        path = _sums.Count;
        _paths.Add((parent, frame), path);
        _sums.Add(0);
        _squares.Add(0);
        return path;
    }
}
