using Sonde.Profiles;

namespace Sonde.Formats.FlameGraph;

/// <summary>
/// The call tree a flame graph draws, held in flat arrays so 100k stacks cost a few arrays rather than 100k
/// objects. Node 0 is the root; each other node is one merged frame reached through one path of callers.
/// Children are listed in label order, the classic flame graph layout, which makes the output deterministic.
/// </summary>
internal sealed class FlameTree
{
    public const int RootNode = 0;

    private readonly List<int> _parents = [-1];
    private readonly List<int> _frames = [-1];
    private readonly List<int> _depths = [0];
    private readonly List<long> _totals = [0];
    private readonly Dictionary<(int Parent, int Frame), int> _children = [];
    private int[] _childStart = [];
    private int[] _childNodes = [];

    private FlameTree()
    {
    }

    public int Count => _parents.Count;

    /// <summary>The node's frame in the <see cref="MergedFrames"/> it was built from; -1 for the root.</summary>
    public int FrameOf(int node) => _frames[node];

    public int DepthOf(int node) => _depths[node];

    public long TotalOf(int node) => _totals[node];

    /// <summary>The children of a node, in label order.</summary>
    public ReadOnlySpan<int> ChildrenOf(int node) => _childNodes.AsSpan(_childStart[node], _childStart[node + 1] - _childStart[node]);

    public static FlameTree Build(Profile profile, MergedFrames frames, List<StackWeight> stacks)
    {
        var tree = new FlameTree();
        var cache = new StackNodeCache(profile, frames, tree);
        var thread = int.MinValue;
        foreach (var entry in stacks)
        {
            if (entry.ThreadIndex != thread)
            {
                thread = entry.ThreadIndex;
                cache.StartThread(thread < 0 ? RootNode : tree.Child(RootNode, frames.OfThread(thread)));
            }
            tree._totals[cache.NodeOf(entry.StackId)] += entry.Weight;
        }

        // Parents are created before their children, so one backward pass turns own weights into totals.
        for (var n = tree.Count - 1; n > RootNode; n--) tree._totals[tree._parents[n]] += tree._totals[n];
        tree.IndexChildren(frames);
        return tree;
    }

    internal int Child(int parent, int frame)
    {
        if (_children.TryGetValue((parent, frame), out var node)) return node;
        node = _parents.Count;
        _parents.Add(parent);
        _frames.Add(frame);
        _depths.Add(_depths[parent] + 1);
        _totals.Add(0);
        _children.Add((parent, frame), node);
        return node;
    }

    /// <summary>Lists each node's children contiguously, sorted by (parent, label rank) in one array sort.</summary>
    private void IndexChildren(MergedFrames frames)
    {
        var byLabel = new int[frames.Count];
        var labels = new string[frames.Count];
        for (var f = 0; f < byLabel.Length; f++)
        {
            byLabel[f] = f;
            labels[f] = frames[f].Label;
        }
        Array.Sort(labels, byLabel, StringComparer.Ordinal);
        var rank = new int[frames.Count];
        for (var r = 0; r < byLabel.Length; r++) rank[byLabel[r]] = r;

        var count = Count - 1;
        var keys = new long[count];
        _childNodes = new int[count];
        for (var n = 1; n <= count; n++)
        {
            keys[n - 1] = ((long)_parents[n] << 32) | (uint)rank[_frames[n]];
            _childNodes[n - 1] = n;
        }
        Array.Sort(keys, _childNodes);

        _childStart = new int[Count + 1];
        foreach (var node in _childNodes) _childStart[_parents[node] + 1]++;
        for (var n = 0; n < Count; n++) _childStart[n + 1] += _childStart[n];
    }
}
