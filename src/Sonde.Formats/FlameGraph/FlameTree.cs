namespace Sonde.Formats.FlameGraph;

/// <summary>
/// The call tree a flame graph draws, only its visible nodes, in flat arrays. Node 0 is the root; each other
/// node is one merged frame reached through one path of callers. A node's children are consecutive node ids in
/// label order, and each node knows its offset from the left edge in weight units, which counts the weight of
/// pruned siblings too, so every node sits exactly where it would in the full tree.
/// </summary>
internal sealed class FlameTree
{
    public const int RootNode = 0;

    private int[] _frames = new int[64];
    private int[] _depths = new int[64];
    private long[] _totals = new long[64];
    private long[] _offsets = new long[64];
    private int[] _firstChildren = new int[64];
    private int[] _childCounts = new int[64];

    public FlameTree(long total)
    {
        Add(-1, 0, total, 0);
    }

    public int Count { get; private set; }

    /// <summary>The node's frame in the <see cref="MergedFrames"/> it was built from; -1 for the root.</summary>
    public int FrameOf(int node) => _frames[node];

    public int DepthOf(int node) => _depths[node];

    public long TotalOf(int node) => _totals[node];

    public long OffsetOf(int node) => _offsets[node];

    public int FirstChildOf(int node) => _firstChildren[node];

    public int ChildCountOf(int node) => _childCounts[node];

    /// <summary>Adds a child of <paramref name="parent"/>; a parent's children must be added one after the other.</summary>
    public int AddChild(int parent, int frame, long total, long offset)
    {
        var node = Add(frame, _depths[parent] + 1, total, offset);
        if (_childCounts[parent]++ == 0) _firstChildren[parent] = node;
        return node;
    }

    private int Add(int frame, int depth, long total, long offset)
    {
        var node = Count++;
        if (node == _frames.Length)
        {
            var size = node * 2;
            Array.Resize(ref _frames, size);
            Array.Resize(ref _depths, size);
            Array.Resize(ref _totals, size);
            Array.Resize(ref _offsets, size);
            Array.Resize(ref _firstChildren, size);
            Array.Resize(ref _childCounts, size);
        }
        _frames[node] = frame;
        _depths[node] = depth;
        _totals[node] = total;
        _offsets[node] = offset;
        return node;
    }
}
