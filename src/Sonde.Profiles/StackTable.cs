namespace Sonde.Profiles;

/// <summary>
/// Interns stacks as a prefix tree: each stack id names a frame and the id of its caller's stack
/// (<see cref="Root"/> for the outermost frame). Equal stacks share one id.
/// </summary>
public sealed class StackTable
{
    public const int Root = -1;

    private readonly List<int> _frames = [];
    private readonly List<int> _parents = [];
    private readonly List<int> _depths = [];
    private readonly Dictionary<(int Parent, int Frame), int> _ids = [];

    public int Count => _frames.Count;

    public int FrameOf(int stackId) => _frames[stackId];

    public int ParentOf(int stackId) => _parents[stackId];

    /// <summary>Number of frames in the stack, 1 for a stack that holds only its root frame.</summary>
    public int DepthOf(int stackId) => _depths[stackId];

    public int Intern(int parentStackId, int frameId)
    {
        if (_ids.TryGetValue((parentStackId, frameId), out var id)) return id;
        id = _frames.Count;
        _frames.Add(frameId);
        _parents.Add(parentStackId);
        _depths.Add(parentStackId == Root ? 1 : _depths[parentStackId] + 1);
        _ids.Add((parentStackId, frameId), id);
        return id;
    }

    /// <summary>Interns a stack given outermost frame first.</summary>
    public int Intern(ReadOnlySpan<int> frameIdsOutermostFirst, int parentStackId = Root)
    {
        var stack = parentStackId;
        foreach (var frame in frameIdsOutermostFirst) stack = Intern(stack, frame);
        return stack;
    }

    /// <summary>The frame ids of a stack, outermost first.</summary>
    public int[] FramesOf(int stackId)
    {
        if (stackId == Root) return [];
        var frames = new int[_depths[stackId]];
        for (int i = frames.Length - 1, s = stackId; i >= 0; i--, s = _parents[s]) frames[i] = _frames[s];
        return frames;
    }
}
